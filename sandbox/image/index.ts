// The sandbox image: its recipe, building it once, and finding it again.
export { BASE_RECIPE, RECIPE_VERSION, IMAGE_ID_LENGTH, defaultRecipe, recipeHash, type ImageRecipe, type RecipeFile } from './recipe.js';
export { buildImage, type BuildImageOptions } from './build.js';
export { currentImage, findImage, listImages, removeImage, IMAGE_ID_PATTERN, type ImageInfo, type ImageManifest } from './store.js';
export { type BuildPhase, type BuildProgress } from './progress.js';
export { pruneImages, type PruneItem, type PruneReport } from './prune.js';
export { shiftOwnership, type ShiftStats } from './shift.js';
