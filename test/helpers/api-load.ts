/**
 * Many `send` calls over HTTP from this process, `concurrency` at a time on keep-alive connections:
 * the drills queue their messages through the real API, so every 200 is a row on disk.
 */
export interface SendManyResult {
  /** msg_id of every send answered 200, in the order of `numberAt`. */
  readonly ids: number[];
  /** Answers other than 200 (or requests that failed outright), with the first few bodies. */
  readonly refused: number;
  readonly samples: string[];
}

export async function sendMany(options: {
  url: string;
  key: string;
  count: number;
  concurrency: number;
  numberAt: (index: number) => string;
  message: (index: number) => string;
  from?: string;
  /** Told of each 200 as it arrives (a drill that acts once some are answered). */
  onAnswered?: (msgId: number) => void;
  /** Checked before each send: true ends the run early (what was not sent is not counted). */
  stop?: () => boolean;
}): Promise<SendManyResult> {
  const ids: number[] = new Array<number>(options.count).fill(0);
  let refused = 0;
  const samples: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.count && options.stop?.() !== true) {
      const index = next++;
      const params: Record<string, string> = { to: options.numberAt(index), message: options.message(index) };
      if (options.from !== undefined) params.from = options.from;
      try {
        const response = await fetch(`${options.url}/api/send`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'VUDUMOBILE-API-KEY': options.key,
          },
          body: new URLSearchParams(params).toString(),
        });
        const text = await response.text();
        const msgId = response.status === 200 ? (JSON.parse(text) as { msg_id?: unknown }).msg_id : undefined;
        if (typeof msgId === 'number') {
          ids[index] = msgId;
          options.onAnswered?.(msgId);
        } else {
          refused++;
          if (samples.length < 5) samples.push(`${response.status} ${text.slice(0, 200)}`);
        }
      } catch (error) {
        refused++;
        if (samples.length < 5) samples.push(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { ids: ids.filter((id) => id > 0), refused, samples };
}
