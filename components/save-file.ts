/** Hands a file to the browser as a download (a transcript, a recording, a received file); nothing leaves the machine. */
export function saveFile(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // A large recording or disk-backed file is read by the download after the click: keep the URL for a minute.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function saveTextFile(name: string, text: string): void {
  saveFile(name, new Blob([text], { type: 'text/plain;charset=utf-8' }));
}
