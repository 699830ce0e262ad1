#!/usr/bin/env node
/**
 * The root package.json's postinstall (npm ci) and deploy/Dockerfile's install step: the measured
 * fixes Continuum carries for kafkajs 2.2.4, each idempotent and each leaving any other kafkajs
 * version alone (tools/README.md, "tools/install").
 */
'use strict';
const path = require('node:path');

const root = process.argv[2] ?? path.join(__dirname, '..', '..');
require('./kafkajs-linear-grouping.js').main(root);
require('./kafkajs-produce-encoder.js').main(root);
