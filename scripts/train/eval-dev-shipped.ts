// Prints the dev-half evaluation for the shipped core model (no training): `npx tsx scripts/train/eval-dev-shipped.ts`.
import { loadShippedModel } from '../../src/detectors/models/linear-model.js';
import { evalDev } from './eval-dev.js';

evalDev(loadShippedModel('core.bin'), (msg) => console.log(msg));
