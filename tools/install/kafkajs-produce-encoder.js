#!/usr/bin/env node
/**
 * Makes kafkajs 2.2.4 encode a produce request's record batches in one pass
 * (tools/install/kafkajs/continuumRecordBatch.js, byte for byte kafkajs' own output; its spec
 * checks it): kafkajs' encoder — one zeroed 512-byte Encoder per record, varints through temporary
 * arrays, 64-bit varints through BigInt, byte-at-a-time CRC32C, four copies of the batch — was most
 * of the raw producer's CPU (libs/kafka/README.md, "The producer path").
 *
 * Copies that file into kafkajs' src/protocol/recordBatch/v0/ and makes the produce v3 request
 * (which v4–v7 use) call it before its own encoder; anything it does not handle exactly (compression,
 * unusual keys, values or headers) still goes through kafkajs' code. Run by the root package.json's
 * postinstall (tools/install/postinstall.js) and by deploy/Dockerfile; idempotent (a changed encoder
 * file is copied again). Only the exact file it knows is rewritten (kafkajs 2.2.4, request.js with
 * the SHA-256 below): any other version or content is left alone with a note, never an install
 * failure.
 */
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { installedKafkajs } = require('./installed-kafkajs.js');

const MARKER = 'continuum: one-pass record batches (tools/install/kafkajs-produce-encoder.js)';
/** kafkajs 2.2.4's src/protocol/requests/produce/v3/request.js as published. */
const REQUEST_SHA256 = '993a3db997827088f5acb08cacf3c67a99ec2886303ff465d244329b8a1c7f99';
const ENCODER_SOURCE = path.join(__dirname, 'kafkajs', 'continuumRecordBatch.js');
const ENCODER_TARGET = path.join('src', 'protocol', 'recordBatch', 'v0', 'continuumRecordBatch.js');
const REQUEST = path.join('src', 'protocol', 'requests', 'produce', 'v3', 'request.js');

const REQUIRE_ANCHOR = "const { RecordBatch } = require('../../../recordBatch/v0')\n";
const BODY_ANCHOR = '}) => {\n  const dateNow = Date.now()\n';
const FAST_PATH = `}) => {
  // ${MARKER}
  if (compression === Types.None) {
    const encoded = continuumRecordBatch.encodePartition({
      partition,
      messages,
      transactionalId,
      firstSequence,
      producerId,
      producerEpoch,
    })
    if (encoded) return encoded
  }
  const dateNow = Date.now()
`;

function note(message) {
  process.stderr.write(`kafkajs-produce-encoder: ${message}\n`);
}

/** request.js with the fast path, or undefined when the anchors are not each there exactly once. */
function patchedRequest(source) {
  const once = (anchor) => source.split(anchor).length === 2;
  if (!once(REQUIRE_ANCHOR) || !once(BODY_ANCHOR)) return undefined;
  return source
    .replace(
      REQUIRE_ANCHOR,
      `${REQUIRE_ANCHOR}const continuumRecordBatch = require('../../../recordBatch/v0/continuumRecordBatch')\n`,
    )
    .replace(BODY_ANCHOR, FAST_PATH);
}

function main(root) {
  const kafkajs = installedKafkajs(root);
  if (!kafkajs) return 'absent';
  const { dir, version } = kafkajs;
  const requestFile = path.join(dir, REQUEST);
  const encoderFile = path.join(dir, ENCODER_TARGET);
  const source = fs.readFileSync(requestFile, 'utf8');
  const encoder = fs.readFileSync(ENCODER_SOURCE, 'utf8');
  if (source.includes(MARKER)) {
    const current = fs.existsSync(encoderFile) ? fs.readFileSync(encoderFile, 'utf8') : '';
    if (current === encoder) return 'patched already';
    fs.writeFileSync(encoderFile, encoder);
    return 'encoder updated';
  }
  const sha256 = createHash('sha256').update(source).digest('hex');
  const patched = version === '2.2.4' && sha256 === REQUEST_SHA256 ? patchedRequest(source) : undefined;
  if (!patched) {
    note(`kafkajs ${version}: ${requestFile} is not the known 2.2.4 file; left unchanged`);
    return 'unknown version';
  }
  fs.writeFileSync(encoderFile, encoder);
  fs.writeFileSync(requestFile, patched);
  note(`kafkajs ${version}: record batches encoded in one pass (${path.relative(root, requestFile)})`);
  return 'patched';
}

module.exports = { main, MARKER, patchedRequest };
if (require.main === module) main(process.argv[2] ?? path.join(__dirname, '..', '..'));
