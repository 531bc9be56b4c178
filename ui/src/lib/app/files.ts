/** A picked file's bytes in the shape the Rust commands take (a JSON array of numbers). */
export async function fileBytes(file: File): Promise<number[]> {
  return Array.from(new Uint8Array(await file.arrayBuffer()));
}
