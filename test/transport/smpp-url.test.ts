import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, readConfig } from '../../src/config.js';
import { parseSmppUrls } from '../../src/transport/smpp/smpp-url.js';

describe('SMPP_URL parsing', () => {
  it('reads one connector with its defaults', () => {
    const { connectors, problems } = parseSmppUrls('smpp://vudu:s%40cret@smsc.example.net');
    assert.deepEqual(problems, []);
    assert.deepEqual(connectors, [
      {
        name: 'smsc.example.net:2775',
        host: 'smsc.example.net',
        port: 2775,
        systemId: 'vudu',
        password: 's@cret',
        systemType: '',
        bind: 'transceiver',
        tps: undefined,
        window: 10,
        sourceTon: 1,
        sourceNpi: 1,
        destTon: 1,
        destNpi: 1,
        long: 'udh',
        prefixes: [],
        enquireLinkMs: 30_000,
        responseTimeoutMs: 30_000,
        moTimeoutMs: 30_000,
      },
    ]);
  });

  it('reads several connectors, prefixes with commas inside their URL', () => {
    const raw =
      'smpp://a:b@10.0.0.1:2775?bind=transmitter+receiver&tps=50&window=20&long=sar&prefixes=1514,+1438&name=mtl,' +
      ' smpp://c:d@10.0.0.2:2776?source_ton=5&source_npi=0&dest_ton=0&dest_npi=9&long=payload';
    const { connectors, problems } = parseSmppUrls(raw);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      connectors.map((c) => [c.name, c.bind, c.tps, c.window, c.long, c.prefixes, c.port]),
      [
        ['mtl', 'transmitter+receiver', 50, 20, 'sar', ['1514', '1438'], 2775],
        ['10.0.0.2:2776', 'transceiver', undefined, 10, 'payload', [], 2776],
      ],
    );
    assert.deepEqual(
      [connectors[1]?.sourceTon, connectors[1]?.sourceNpi, connectors[1]?.destTon, connectors[1]?.destNpi],
      [5, 0, 0, 9],
    );
  });

  it('reads max_binds, the binds of a connector shared by every worker process', () => {
    const { connectors, problems } = parseSmppUrls('smpp://a:b@h:1?max_binds=3,smpp://c:d@h:2');
    assert.deepEqual(problems, []);
    assert.deepEqual(
      connectors.map((c) => c.maxBinds),
      [3, undefined],
    );
    assert.match(parseSmppUrls('smpp://a:b@h:1?max_binds=0').problems.join('\n'), /max_binds must be/);
  });

  it('names two connectors to the same host apart', () => {
    const { connectors } = parseSmppUrls('smpp://a:b@h:1,smpp://c:d@h:1');
    assert.deepEqual(
      connectors.map((c) => c.name),
      ['h:1', 'h:1#2'],
    );
  });

  it('reports one line per problem, naming the connector', () => {
    const raw =
      'smpp://:pw@h?tps=0&window=5000&bind=both&long=x&prefixes=15a&color=red,' +
      'http://a:b@h,smpp://averyveryverylongid:averylongpassword@h?source_ton=300';
    assert.deepEqual(parseSmppUrls(raw).problems, [
      'SMPP_URL connector 1: system_id is missing (smpp://system_id:password@host:port)',
      'SMPP_URL connector 1: unknown parameter "color" (expected one of bind, tps, window, source_ton, source_npi, dest_ton, dest_npi, long, prefixes, name, system_type, enquire_link, response_timeout, mo_timeout, id_scope, max_binds)',
      'SMPP_URL connector 1: bind must be one of transceiver, transmitter+receiver',
      'SMPP_URL connector 1: long must be one of udh, sar, payload',
      'SMPP_URL connector 1: tps must be a number of messages per second from 0.01 to 100000',
      'SMPP_URL connector 1: prefix "15a" is not digits',
      'SMPP_URL connector 1: window must be a whole number from 1 to 1000',
      'SMPP_URL connector 2: unsupported scheme "http:" (expected smpp://)',
      'SMPP_URL connector 3: system_id is longer than 15 characters',
      'SMPP_URL connector 3: password is longer than 8 characters',
      'SMPP_URL connector 3: source_ton must be a whole number from 0 to 255',
    ]);
  });

  it('fails start-up through readConfig, alongside the other variables', () => {
    assert.throws(
      () => readConfig({ SMPP_URL: 'smpp://a:b@h?window=0', SMTP_URL: 'ftp://x', PORT: 'x' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message ===
          [
            'PORT: expected a whole number from 0 to 65535',
            'SMTP_URL: unsupported scheme "ftp:" (expected smtp:// or smtps://)',
            'SMPP_URL: window must be a whole number from 1 to 1000',
          ].join('\n'),
    );
    const config = readConfig({ SMPP_URL: 'smpp://a:b@h', SMTP_URL: 'smtps://u:p@mail.example.net' });
    assert.equal(config.smppUrl, 'smpp://a:b@h');
    assert.equal(config.smtpUrl, 'smtps://u:p@mail.example.net');
  });
});
