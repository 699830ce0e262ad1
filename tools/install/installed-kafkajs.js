'use strict';
const fs = require('node:fs');
const path = require('node:path');

/**
 * The kafkajs an install under `root` resolves to — its directory and version — or undefined for an
 * install without kafkajs (e.g. an image whose service does not use it). Shared by the patches.
 */
function installedKafkajs(root) {
  let pkgPath;
  try {
    pkgPath = require.resolve('kafkajs/package.json', { paths: [root] });
  } catch {
    return undefined;
  }
  const { version } = JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
  return { dir: path.dirname(pkgPath), version };
}

module.exports = { installedKafkajs };
