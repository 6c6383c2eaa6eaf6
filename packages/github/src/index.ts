export { upsertStickyComment, stickyMarker, MAX_COMMENT_LENGTH } from './sticky-comment.js';
export type { StickyCommentOptions, StickyCommentResult } from './sticky-comment.js';
export { startDeployment } from './deployments.js';
export type { DeploymentOptions, DeploymentState, TrackedDeployment } from './deployments.js';
