import net from "node:net";
import { describe, expect, it } from "vitest";
import { busyPorts, NotReadyError, portsAnswer, waitUntilReady } from "./readiness.ts";

/** A clock that moves only when the loop sleeps. */
function fakeTime() {
  let ms = 0;
  const slept: number[] = [];
  return {
    now: () => ms,
    sleep: async (by: number) => {
      slept.push(by);
      ms += by;
    },
    slept,
  };
}

describe("waitUntilReady", () => {
  it("probes every interval until the ports answer", async () => {
    const time = fakeTime();
    let probes = 0;
    await waitUntilReady({
      probe: async () => ++probes === 4,
      gone: () => null,
      timeoutMs: 10_000,
      intervalMs: 100,
      ...time,
    });
    expect(probes).toBe(4);
    expect(time.slept).toEqual([100, 100, 100]);
  });

  it("gives up at once, with the reason, when the process exits while starting", async () => {
    const time = fakeTime();
    let exited = false;
    const waiting = waitUntilReady({
      probe: async () => {
        exited = time.now() >= 300;
        return false;
      },
      gone: () => (exited ? "exited with code 1: port 8080 is in use" : null),
      timeoutMs: 10_000,
      intervalMs: 100,
      ...time,
    });
    await expect(waiting).rejects.toThrow(
      new NotReadyError("exited with code 1: port 8080 is in use"),
    );
    expect(time.now()).toBe(300);
  });

  it("does not take another process's answer for this one's", async () => {
    // The ports answer, but the process had already exited: someone else holds them.
    const waiting = waitUntilReady({
      probe: async () => true,
      gone: () => "exited with code 1",
      timeoutMs: 1_000,
      intervalMs: 100,
      ...fakeTime(),
    });
    await expect(waiting).rejects.toThrow("exited with code 1");
  });

  it("gives up after the timeout", async () => {
    const time = fakeTime();
    const waiting = waitUntilReady({
      probe: async () => false,
      gone: () => null,
      timeoutMs: 1_000,
      intervalMs: 250,
      ...time,
    });
    await expect(waiting).rejects.toThrow("not ready after 1 s");
    expect(time.now()).toBe(1_000);
  });
});

describe("port probes over loopback", () => {
  it("tell a listening port from a closed one", async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    expect(await portsAnswer([port])).toBe(true);
    expect(await busyPorts([port])).toEqual([port]);
    await new Promise((resolve) => server.close(resolve));
    expect(await portsAnswer([port])).toBe(false);
    expect(await busyPorts([port])).toEqual([]);
  });
});
