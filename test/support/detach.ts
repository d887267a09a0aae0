/** Whether this Node can free a buffer at once (ArrayBuffer.prototype.transfer, Node 21+): tests of releaseBuffer skip without it. */
const canDetach = typeof (ArrayBuffer.prototype as { transfer?: unknown }).transfer === 'function';

/** A tap `skip` value: false where buffers can be freed, else the reason. */
export const withoutDetach: false | string = !canDetach && 'this Node has no ArrayBuffer.prototype.transfer (Node 20): the GC frees it';
