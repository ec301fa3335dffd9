export { default } from '@authbench/jest-config';
