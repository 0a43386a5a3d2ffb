import rule, { examples } from '../../pipeline/normalize/rules/web-page-chrome.ts';
import { runExamples } from './run-examples.ts';

runExamples(rule, examples);
