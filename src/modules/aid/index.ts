export { needLinkKind } from './link-kind.ts';
export { aidModule } from './module.ts';
export { allocateOffer } from './service-allocations.ts';
export { proposeOffers } from './service-matching.ts';
