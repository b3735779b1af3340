/** Whether a process with this pid is running (signal 0: nothing is sent). EPERM means it
 * runs as someone else: alive. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
