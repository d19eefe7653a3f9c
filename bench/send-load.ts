/**
 * The load generator of bench/send.ts, run as its own process so that it does not share the
 * server's event loop: autocannon, N connections, POST /api/send with a different recipient on
 * every request (no cache can help). Prints autocannon's result as one JSON line.
 */
import autocannon from 'autocannon';

const [url = '', key = '', seconds = '10', connections = '50'] = process.argv.slice(2);
let next = Math.floor(Math.random() * 1_000_000);

const result = await autocannon({
  url: `${url}/api/send`,
  connections: Number(connections),
  duration: Number(seconds),
  requests: [
    {
      method: 'POST',
      headers: { 'VUDUMOBILE-API-KEY': key, 'content-type': 'application/x-www-form-urlencoded' },
      setupRequest: (request) => {
        const number = 15142000000 + (next++ % 7_000_000);
        return {
          ...request,
          body: `to=${number}&message=Votre+rendez-vous+est+confirm%C3%A9+pour+demain+10h`,
        };
      },
    },
  ],
});
process.stdout.write(`${JSON.stringify(result)}\n`);
