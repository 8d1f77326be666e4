// Writes schemas/dockerfile-harden.schema.json (the JSON Schema of .dockerfile-harden.yaml) from the rule catalogue.
// `npm run docs:schema`; test/node/schema.test.ts fails when the committed file is out of date.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const { configSchema } = require(join(root, 'out/server/src/node/configSchema.js'));
writeFileSync(join(root, 'schemas/dockerfile-harden.schema.json'), `${JSON.stringify(configSchema(), null, '\t')}\n`);
console.log('wrote schemas/dockerfile-harden.schema.json');
