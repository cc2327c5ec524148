export { seedDemoNetwork } from './demo.ts';
export { seedUclgNetwork } from './uclg.ts';
