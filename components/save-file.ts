/** Hands text to the browser as a file download (a chat transcript); nothing leaves the machine. */
export function saveTextFile(name: string, text: string): void {
  saveBlob(name, new Blob([text], { type: 'text/plain;charset=utf-8' }));
}

/** Hands a blob (a received file, disk-backed) to the browser as a download. */
export function saveBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // Long enough for a large disk-backed file to be read by the download.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
