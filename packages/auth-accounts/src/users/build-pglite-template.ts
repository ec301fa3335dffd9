// `build` runs this after tsc: the pre-initialised data directory a first start copies.
import { makePgliteTemplate } from './pglite-template.js';

await makePgliteTemplate();
