/** Time and waiting, injected so that tests never sleep on the wall clock they do not control. */
export interface Clock {
  now(): number;
  delay(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  delay: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
