import rule, { examples } from '../../pipeline/normalize/rules/image-source.ts';
import { runExamples } from './run-examples.ts';

runExamples(rule, examples);
