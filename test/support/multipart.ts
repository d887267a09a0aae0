/** A multipart body as a browser or curl would send it. */
export async function multipart(parts: { field?: string; filename?: string; bytes: Uint8Array | string; type?: string }[]) {
  const form = new FormData();
  for (const part of parts) {
    const field = part.field ?? 'image';
    if (typeof part.bytes === 'string' && part.filename === undefined) form.append(field, part.bytes);
    else form.append(field, new Blob([part.bytes], { type: part.type ?? 'application/octet-stream' }), part.filename ?? 'blob');
  }
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return { payload: Buffer.from(await request.arrayBuffer()), headers: { 'content-type': request.headers.get('content-type')! } };
}
