#!/usr/bin/env node
// Copies the files the compiled code reads at run time (tsc and esbuild copy only code): the v2
// gRPC proto, beside its loader in dist/src and beside the bundle's chunks, where the loader's
// code ends up (proto.ts finds it relative to its own file). bundle-cli.mjs runs it too.
import { copyFileSync, mkdirSync } from 'node:fs';

const assets = [{ from: 'src/serving/grpc/grpc_predict_v2.proto', to: ['dist/src/serving/grpc', 'dist/bundle/chunks'] }];
for (const { from, to } of assets) {
  for (const dir of to) {
    mkdirSync(dir, { recursive: true });
    copyFileSync(from, `${dir}/${from.split('/').pop()}`);
  }
}
