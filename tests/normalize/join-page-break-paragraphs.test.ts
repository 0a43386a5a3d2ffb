import rule, { examples } from '../../pipeline/normalize/rules/join-page-break-paragraphs.ts';
import { runExamples } from './run-examples.ts';

runExamples(rule, examples);
