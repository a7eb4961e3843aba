export { isUuid } from '@dbwe/platform';
