// The offline image set of nested `docker`: recipe, build, and the read-only store.
export { IMAGE_SET, IMAGE_SET_VERSION, imageSetHash, type ImageSetRecipe, type SetImage, type ImageConfig } from './recipes.js';
export { buildImageSet, type BuildImageSetOptions, type ImageSetProgress, type ImageSetStep } from './build.js';
export { currentImageSet, findImageSet, imageSetStoreForSandbox, mountImageSet, imageSetPaths, type ImageSetInfo, type ImageSetManifest } from './store.js';
