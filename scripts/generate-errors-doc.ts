// Writes docs/errors.md from the error catalogue.
import { writeFileSync } from 'node:fs';
import { renderErrorCatalogue } from '../src/api/error-catalogue.js';

writeFileSync('docs/errors.md', renderErrorCatalogue());
