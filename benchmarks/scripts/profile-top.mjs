#!/usr/bin/env node
/**
 * The top self-time items of a V8 .cpuprofile (node --cpu-prof), by function and by package,
 * as µs per request when given the number of requests the profile covers.
 *
 *   node benchmarks/scripts/profile-top.mjs FILE.cpuprofile [requests] [top=25]
 */
import { readFileSync } from 'node:fs';

const [file, requestsArg, topArg] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: profile-top.mjs FILE.cpuprofile [requests] [top]');
const profile = JSON.parse(readFileSync(file, 'utf8'));
const requests = Number(requestsArg ?? 1);
const top = Number(topArg ?? 25);

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
for (let index = 0; index < profile.samples.length; index += 1) {
  const id = profile.samples[index];
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
}

function packageOf(url) {
  if (url === '') return '(native/V8)';
  if (url.startsWith('node:')) return 'node core';
  const match = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match) return match[1];
  const ours = /\/(apps\/[^/]+|packages\/[^/]+)\//.exec(url);
  return ours ? ours[1] : url;
}

const functions = new Map();
const packages = new Map();
let total = 0;
for (const [id, micros] of self) {
  const { callFrame } = byId.get(id);
  const where = callFrame.url.replace(/.*node_modules\//, '').replace(/.*\/(apps|packages)\//, '$1/');
  const name = `${callFrame.functionName || '(anonymous)'} ${where}:${callFrame.lineNumber + 1}`;
  functions.set(name, (functions.get(name) ?? 0) + micros);
  const pkg = callFrame.url === '' ? callFrame.functionName : packageOf(callFrame.url);
  packages.set(pkg, (packages.get(pkg) ?? 0) + micros);
  total += micros;
}

const print = (title, map) => {
  console.log(`\n${title} (µs/request, of ${(total / requests).toFixed(0)} total sampled)`);
  for (const [name, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(micros / requests).toFixed(1).padStart(8)}  ${name}`);
  }
};
print('by package', packages);
print('by function', functions);
