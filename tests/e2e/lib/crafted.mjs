// A small hand-made input tree that exercises every rule and edge of SPEC §2–§5, written byte by
// byte so the tests know each record's file, line and offset, plus the facts a reader of the
// resulting lake must find (spot checks that hold the reference implementation honest too).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const ms = (iso) => Date.parse(iso);

function song(fields) {
  return {
    num_songs: 1, artist_id: null, artist_latitude: null, artist_longitude: null,
    artist_location: null, artist_name: null, song_id: null, title: null, duration: null,
    year: null, ...fields,
  };
}

const UA = '"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"';

function event(fields) {
  return {
    artist: null, auth: 'Logged In', firstName: 'Ann', gender: 'F', itemInSession: 0,
    lastName: 'Lee', length: null, level: 'free', location: 'Springfield, IL', method: 'PUT',
    page: 'NextSong', registration: 1540000000000.0, sessionId: 7, song: null, status: 200,
    ts: null, userAgent: UA, userId: '1', ...fields,
  };
}

const j = (o) => JSON.stringify(o);

/** Partition values that must be escaped, or must not be able to climb out of the table. */
export const PARTITION_ARTISTS = [
  'AR/slash', 'AR=eq', '..', '../../../../escape', 'AR%pct', 'AR space', 'ARé非',
  'AR"#\'*:?\\{[]^}', 'AR\u0001\n\u001f\u007f', 'AR+plus',
];

/**
 * Writes the crafted input under `root` (song_data/ and log_data/). Returns what the tests need:
 * the expected rejects (kind, source relative to the input root, line, offset, raw or
 * rawBase64), the expected duplicate count, and spot checks on the five tables.
 */
export function writeCraftedInput(root) {
  const rejects = [];
  const write = (rel, data) => {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, data);
  };
  const rejectWhole = (kind, rel, text) => {
    write(rel, text);
    const buf = Buffer.from(text);
    rejects.push({ kind, source: rel, line: 1, offset: 0, ...rawOf(buf) });
  };

  // --- songs -----------------------------------------------------------------------------
  const dupArtist = {
    artist_id: 'ARDUP', artist_name: 'Dup Artist', artist_location: 'Dupville',
    artist_latitude: 1.0, artist_longitude: 2.0,
  };
  // Byte-wise order: "A-b.json" < "A/b.json" ('-' < '/'), so the first SDUP is A-b.json even
  // though a folder-first walk would visit A/ first.
  write('song_data/A-b.json', j(song({ ...dupArtist, song_id: 'SDUP', title: 'Bytewise first', duration: 200.0, year: 2001 })));
  write('song_data/A/b.json', j(song({ ...dupArtist, song_id: 'SDUP', title: 'Component order', duration: 200.0, year: 2001 })));
  write('song_data/a/b.json', j(song({ ...dupArtist, song_id: 'SDUP', title: 'Lowercase folder', duration: 200.0, year: 2001 })));

  // Artist tie-breaks for ARTIE. B/0 < B/10 < B/9 byte-wise.
  // B/0: only latitude+longitude (2; would be 4 if empty strings counted).
  write('song_data/B/0.json', j(song({ song_id: 'ST0', title: 'T0 song', artist_id: 'ARTIE', artist_name: '', artist_location: '', artist_latitude: 1.0, artist_longitude: 2.0, duration: 10, year: 2000 })));
  write('song_data/B/10.json', j(song({ song_id: 'ST1', title: 'T1 song', artist_id: 'ARTIE', artist_name: 'T1', artist_location: '', duration: 11, year: 2000 })));
  write('song_data/B/9.json', j(song({ song_id: 'ST2', title: 'T2 song', artist_id: 'ARTIE', artist_name: 'T2', artist_location: 'Paris', artist_latitude: 48.85, duration: 12, year: 2000 })));

  // Multi-document file: one per line, a tab between two, CRLF after another; escapes resolved.
  const escTitleJson = '"Caf\\u00e9 \\"Quoted\\" \\\\ back\\/slash\\ttab \\ud83c\\udfb5"';
  const escSong = `{"num_songs": 1, "artist_id": "ARUNI", "artist_latitude": null, "artist_longitude": null, ` +
    `"artist_location": "K\\u00f8benhavn", "artist_name": "Ünïcödé Ärtist", "song_id": "SESC", ` +
    `"title": ${escTitleJson}, "duration": 180.5, "year": "1999"}`;
  const tie1 = j(song({ song_id: 'STIE1', title: 'Tie Song', artist_id: 'ARTIEA', artist_name: 'Tie Artist', duration: 250.0, year: 2010 }))
    .replace('"duration":250', '"duration":2.5e2');
  const dup3 = j(song({ ...dupArtist, song_id: 'SDUP', title: 'Same file dup', duration: 200.0, year: 2001 }));
  write('song_data/B/x.json', `${escSong}\n${tie1}\t\r\n${dup3}`);

  // Pretty-printed, several documents, blank line between them.
  const pretty = (o) => JSON.stringify(o, null, 2);
  write('song_data/B/y.json', [
    pretty(song({ song_id: 'STIE2', title: 'Tie Song', artist_id: 'ARTIEB', artist_name: 'Tie Artist', duration: 250.0, year: 2011 })),
    pretty(song({ song_id: 'SNEAR', title: 'Near Miss', artist_id: 'ARNEAR', artist_name: 'Near Artist', artist_location: 'Lyon', duration: 100.5, year: 2012 })),
  ].join('\n\n') + '\n');

  // More ARTIE records, later in file order, tying with T2 on 3 fields (zero counts as a value).
  write('song_data/C/t3.json', j(song({ song_id: 'ST3', title: 'T3 song', artist_id: 'ARTIE', artist_name: 'T3', artist_location: 'Rome', artist_latitude: 41.9, duration: 13, year: 2000 })));
  write('song_data/C/t4.json', j(song({ song_id: 'ST4', title: 'T4 song', artist_id: 'ARTIE', artist_name: 'T4', artist_latitude: 0.0, artist_longitude: 0.0, duration: 14, year: 2000 })));
  // ARZ: a later record with more fields wins.
  write('song_data/C/z1.json', j(song({ song_id: 'SZ1', title: 'Z1 song', artist_id: 'ARZ', artist_name: 'Z1', duration: 15, year: 2003 })));
  write('song_data/C/z2.json', j(song({ song_id: 'SZ2', title: 'Z2 song', artist_id: 'ARZ', artist_name: 'Z2', artist_location: 'Zurich', artist_latitude: 0.0, artist_longitude: '8.5', duration: '16.25', year: 2003 })));
  write('song_data/C/e.json', j(song({ song_id: 'SE', title: 'E song', artist_id: 'ARE', artist_name: 'E', artist_location: '', duration: 17, year: 2004 })));
  write('song_data/C/n.json', j(song({ song_id: 'SN', title: null, artist_id: 'ARNULLS', duration: null, year: 2005 })));
  // Keys missing altogether mean null; unknown keys are ignored.
  write('song_data/C/m.json', j({ song_id: 'SMISS', artist_id: 'ARMISS', extra: { nested: [1, 2] }, title: 'Sparse' }));

  // Hidden, underscore and non-.json files are never read (garbage would be a reject).
  write('song_data/.ipynb_checkpoints/TRX-checkpoint.json', j(song({ song_id: 'SHIDDEN1', artist_id: 'ARH', title: 'h' })));
  write('song_data/_tmp/h.json', j(song({ song_id: 'SHIDDEN2', artist_id: 'ARH', title: 'h' })));
  write('song_data/C/.h.json', j(song({ song_id: 'SHIDDEN3', artist_id: 'ARH', title: 'h' })));
  write('song_data/C/_h.json', 'not json at all');
  write('song_data/C/.garbage.json', '{{{{');
  write('song_data/_SUCCESS', '');
  write('song_data/D/readme.txt', 'garbage');
  write('song_data/D/s.json.bak', j(song({ song_id: 'SBAK', artist_id: 'ARH', title: 'h' })));
  write('song_data/D/s.jsonl', j(song({ song_id: 'SJSONL', artist_id: 'ARH', title: 'h' })));
  write('song_data/D/s.gz', zlib.gzipSync(j(song({ song_id: 'SGZONLY', artist_id: 'ARH', title: 'h' }))));
  write('song_data/D/g.json.gz', zlib.gzipSync(j(song({ song_id: 'SGZ', title: 'Gzipped', artist_id: 'ARGZ', artist_name: 'Gz', duration: 1.25, year: 2020 }))));

  // Partition values: escaping, nothing climbs out, null year and year 0.
  PARTITION_ARTISTS.forEach((id, i) => {
    write(`song_data/P/p${i}.json`, j(song({ song_id: `SP${i}`, title: `P${i}`, artist_id: id, artist_name: `Partition ${i}`, duration: 30 + i, year: 1990 + i })));
  });
  write('song_data/P/ynull.json', j(song({ song_id: 'SYNULL', title: 'Year null', artist_id: 'ARYEAR', artist_name: 'Y', duration: 5, year: null })));
  write('song_data/P/y0.json', j(song({ song_id: 'SY0', title: 'Year zero', artist_id: 'ARYEAR', artist_name: 'Y', duration: 6, year: 0 })));

  // Bad song records.
  rejectWhole('songs', 'song_data/R/truncated.json', '{"num_songs": 1, "song_id": "SBAD1", "title": ');
  rejectWhole('songs', 'song_data/R/no-song-id.json', j(song({ artist_id: 'ARBAD', title: 'no id' })));
  rejectWhole('songs', 'song_data/R/null-artist.json', j(song({ song_id: 'SBAD2', artist_id: null, title: 'no artist' })));
  rejectWhole('songs', 'song_data/R/bad-duration.json', j(song({ song_id: 'SBAD3', artist_id: 'ARBAD', duration: 'abc' })));
  rejectWhole('songs', 'song_data/R/bad-year.json', j(song({ song_id: 'SBAD4', artist_id: 'ARBAD', year: 'nineteen' })));
  rejectWhole('songs', 'song_data/R/title-array.json', j(song({ song_id: 'SBAD5', artist_id: 'ARBAD', title: ['a'] })));
  rejectWhole('songs', 'song_data/R/title-object.json', j(song({ song_id: 'SBAD6', artist_id: 'ARBAD', title: { a: 1 } })));
  rejectWhole('songs', 'song_data/R/lat-bool.json', j(song({ song_id: 'SBAD7', artist_id: 'ARBAD', artist_latitude: true })));
  rejectWhole('songs', 'song_data/R/array.json', `[${j(song({ song_id: 'SBAD8', artist_id: 'ARBAD' }))}]`);
  {
    // Latin-1 é inside a string: not UTF-8, so the reject carries raw_base64.
    const bytes = Buffer.concat([Buffer.from('{"song_id": "SBAD9", "artist_id": "ARBAD", "title": "Caf'),
      Buffer.from([0xe9]), Buffer.from('"}')]);
    write('song_data/R/latin1.json', bytes);
    rejects.push({ kind: 'songs', source: 'song_data/R/latin1.json', line: 1, offset: 0, ...rawOf(bytes) });
  }
  {
    // The second document of a multi-document file lacks song_id: line 3, offset of its '{'.
    const first = j(song({ song_id: 'SRM1', title: 'Kept', artist_id: 'ARRM', artist_name: 'RM', duration: 3, year: 2015 }));
    const second = j(song({ artist_id: 'ARRM', title: 'Lost' }));
    const text = `${first}\n\n${second}\n`;
    write('song_data/R/multi.json', text);
    rejects.push({ kind: 'songs', source: 'song_data/R/multi.json', line: 3,
                   offset: Buffer.byteLength(`${first}\n\n`), raw: second });
  }

  // --- logs ------------------------------------------------------------------------------
  const logFile = (rel, lines, { eol = '\n', gzip = false, trailing = '' } = {}) => {
    const text = lines.join(eol) + trailing;
    write(rel, gzip ? zlib.gzipSync(Buffer.from(text)) : text);
  };

  const t = {
    e1: ms('2018-11-30T10:00:00.000Z'), e3: ms('2018-11-30T12:00:00.000Z'),
    e5: ms('2018-11-30T13:30:00.123Z'), e7: ms('2018-11-30T11:00:00.000Z'),
    late: ms('2018-11-30T23:00:00.000Z'),
    nye: ms('2020-12-31T23:59:59.999Z'), nyeMorning: ms('2020-12-31T00:00:00.000Z'),
    tie: ms('2020-12-31T12:00:00.000Z'), line: ms('2020-12-31T13:00:00.000Z'),
    ny: ms('2021-01-01T00:00:00.000Z'), sat: ms('2021-01-02T23:00:00.000Z'),
    sun: ms('2021-01-03T12:00:00.000Z'), leap: ms('2016-02-29T05:06:07.089Z'),
    mon: ms('2021-01-04T00:00:00.000Z'), dec31: ms('2018-12-31T08:00:00.000Z'),
    w52: ms('2019-12-29T18:00:00.000Z'), w53: ms('2027-01-01T06:00:00.000Z'),
  };

  // User 100: free "Old" then paid "New"; a later non-NextSong event must not count.
  // Escapes: the event spells the title and artist differently from the song file; the
  // decoded strings are equal, so the play matches SESC.
  const escEventLine = j(event({ userId: '100', firstName: 'New', level: 'paid', ts: t.e3, sessionId: 1,
    artist: 'Ünïcödé Ärtist', song: 'Café "Quoted" \\ back/slash\ttab 🎵', length: 180.5 }))
    .replace('"artist":"Ünïcödé Ärtist"', '"artist":"\\u00dcn\\u00efc\\u00f6d\\u00e9 \\u00c4rtist"');
  const numericStrings = j(event({ userId: '39', firstName: 'Str', level: 'free', ts: t.e5, sessionId: 38,
    song: 'Near Miss', artist: 'Near Artist', length: 100.50000001 }))
    .replace(`"ts":${t.e5}`, `"ts":"${t.e5}"`).replace('"sessionId":38', '"sessionId":"38"');
  logFile('log_data/2018/11/2018-11-30-events.json', [
    j(event({ userId: '100', firstName: 'Old', level: 'free', ts: t.e1, sessionId: 1,
      song: 'Tie Song', artist: 'Tie Artist', length: 250 })),
    j(event({ userId: '', page: 'Home', firstName: null, lastName: null, gender: null, level: 'free', ts: t.e1 + 5 })),
    escEventLine,
    j(event({ userId: '100', page: 'Home', firstName: 'Ignored', level: 'free', ts: t.late })),
    numericStrings,
    j(event({ userId: 39, firstName: 'Num', level: 'paid', ts: t.e5, sessionId: 38,
      song: 'Near Miss', artist: 'near artist', length: 100.5 })),
    j(event({ userId: '39', firstName: 'Early', level: 'free', ts: t.e7, sessionId: 38,
      song: 'Near Miss', artist: 'Near Artist', length: 100.5 })),
    j(event({ userId: '40', firstName: 'Dup', ts: t.e7 + 1, song: 'Bytewise first', artist: 'Dup Artist', length: 200,
      location: 'Zürich, "CH"\nline two', userAgent: '"Quoted \\"agent\\""' })),
    j(event({ userId: '41', firstName: 'Lost', ts: t.e7 + 2, song: 'Nothing Like It', artist: 'Dup Artist', length: 200, sessionId: null })),
  ]);

  // CRLF file. User 101 ties on ts with a later file; user 102 ties on ts within this file.
  logFile('log_data/2020/12/2020-12-31-events.json', [
    j(event({ userId: '200', firstName: 'Nye', ts: t.nye })),
    j(event({ userId: '200', firstName: 'Nye', ts: t.nyeMorning })),
    j(event({ userId: '101', firstName: 'TieFirst', level: 'free', ts: t.tie })),
    j(event({ userId: '102', firstName: 'LineA', level: 'free', ts: t.line })),
    j(event({ userId: '102', firstName: 'LineB', level: 'paid', ts: t.line })),
  ], { eol: '\r\n', trailing: '\r\n' });

  logFile('log_data/2021/01/2021-01-01-events.json.gz', [
    j(event({ userId: '101', firstName: 'TieSecond', level: 'paid', ts: t.tie })),
    j(event({ userId: '200', firstName: 'Nye', ts: t.ny })),
  ], { gzip: true, trailing: '\n' });

  // A blank line and a whitespace-only line are not records.
  logFile('log_data/2021/01/2021-01-03-events.json', [
    j(event({ userId: '201', ts: t.sun })),
    '',
    j(event({ userId: '201', ts: t.sat })),
    '   ',
    j(event({ userId: '201', ts: t.leap })),
  ], { trailing: '\n\n' });

  logFile('log_data/2021/01/2021-01-04-events.json', [
    j(event({ userId: '202', ts: t.mon })),
    j(event({ userId: '202', ts: t.dec31 })),
    j(event({ userId: '202', ts: t.w52 })),
    j(event({ userId: '202', ts: t.w53 })),
    j(event({ userId: '202', ts: t.mon, page: 'Logout' })),
  ]);

  // Hidden and non-.json log files.
  write('log_data/.ipynb_checkpoints/2018-11-30-events-checkpoint.json', j(event({ userId: '900', ts: t.e1 })));
  write('log_data/2021/_tmp.json', j(event({ userId: '901', ts: t.e1 })));
  write('log_data/2021/.x.json', j(event({ userId: '902', ts: t.e1 })));
  write('log_data/_SUCCESS', '');
  write('log_data/2021/notes.txt', j(event({ userId: '903', ts: t.e1 })));

  // Bad log records, last in file order (zz-bad sorts after the digits).
  const badLines = [
    ['truncated', `{"page":"NextSong","ts":${t.e1},"userId":"5"`],
    ['not utf-8', null],
    ['array', '[1,2,3]'],
    ['missing ts', j(event({ userId: '5', ts: undefined }))],
    ['null ts', j(event({ userId: '5', ts: null }))],
    ['empty userId', j(event({ userId: '', ts: t.e1 }))],
    ['word userId', j(event({ userId: 'abc', ts: t.e1 }))],
    ['missing userId', j(event({ userId: undefined, ts: t.e1 }))],
    ['word ts', j(event({ userId: '5', ts: 'soon' }))],
    ['word sessionId', j(event({ userId: '5', ts: t.e1, sessionId: 'x38' }))],
    ['word length', j(event({ userId: '5', ts: t.e1, length: 'long' }))],
    ['object firstName', j(event({ userId: '5', ts: t.e1, firstName: { a: 1 } }))],
    ['good Home event', j(event({ userId: '', page: 'Home', ts: t.e1 }))],
    ['bool ts', j(event({ userId: '5', ts: true }))],
  ];
  {
    const chunks = [];
    let offset = 0;
    badLines.forEach(([what, text], i) => {
      const bytes = text === null
        ? Buffer.concat([Buffer.from(`{"page":"NextSong","ts":${t.e1},"userId":"5","firstName":"Ren`),
          Buffer.from([0xe9]), Buffer.from('e"}')])
        : Buffer.from(text);
      if (what !== 'good Home event') {
        rejects.push({ kind: 'logs', source: 'log_data/zz-bad/bad.json', line: i + 1, offset, what, ...rawOf(bytes) });
      }
      chunks.push(bytes, Buffer.from('\n'));
      offset += bytes.length + 1;
    });
    write('log_data/zz-bad/bad.json', Buffer.concat(chunks));
  }
  {
    const home = j(event({ userId: '', page: 'Home', ts: t.e1 }));
    const bad = j(event({ userId: undefined, ts: t.e1 }));
    logFile('log_data/zz-bad/bad2.json.gz', [home, bad], { gzip: true, trailing: '\n' });
    rejects.push({ kind: 'logs', source: 'log_data/zz-bad/bad2.json.gz', line: 2,
                   offset: Buffer.byteLength(home) + 1, what: 'gzip missing userId', raw: bad });
  }

  const utc = (ms_) => new Date(ms_).toISOString();
  return {
    rejects,
    duplicates: 3,
    // Spot checks: [description, SQL over tables in a schema named by {s}, expected rows].
    spotChecks: [
      ['the first SDUP in byte-wise path order wins',
        `SELECT title FROM {s}.songs WHERE song_id = 'SDUP'`, [{ title: 'Bytewise first' }]],
      ['hidden, underscore and non-.json song files are not read; .json.gz is',
        `SELECT song_id FROM {s}.songs WHERE song_id IN ('SHIDDEN1','SHIDDEN2','SHIDDEN3','SBAK','SJSONL','SGZONLY','SGZ') ORDER BY 1`,
        [{ song_id: 'SGZ' }]],
      ['song strings are decoded JSON strings (escapes, unicode, numeric-string year)',
        `SELECT title, year FROM {s}.songs WHERE song_id = 'SESC'`,
        [{ title: 'Café "Quoted" \\ back/slash\ttab 🎵', year: 1999 }]],
      ['a missing key is null, unknown keys ignored',
        `SELECT title, year, duration FROM {s}.songs WHERE song_id = 'SMISS'`,
        [{ title: 'Sparse', year: null, duration: null }]],
      ['numeric strings in song numbers',
        `SELECT duration FROM {s}.songs WHERE song_id = 'SZ2'`, [{ duration: 16.25 }]],
      ['the multi-document file keeps its good first record',
        `SELECT title FROM {s}.songs WHERE song_id = 'SRM1'`, [{ title: 'Kept' }]],
      ['artist: most non-empty fields, ties to the first in file order, empty strings do not count',
        `SELECT name, location, latitude, longitude FROM {s}.artists WHERE artist_id = 'ARTIE'`,
        [{ name: 'T2', location: 'Paris', latitude: 48.85, longitude: null }]],
      ['artist: a later record with more fields wins; zero is a value',
        `SELECT name, location, latitude, longitude FROM {s}.artists WHERE artist_id = 'ARZ'`,
        [{ name: 'Z2', location: 'Zurich', latitude: 0, longitude: 8.5 }]],
      ['artist: an empty location is stored as null',
        `SELECT name, location FROM {s}.artists WHERE artist_id = 'ARE'`, [{ name: 'E', location: null }]],
      ['artist with nothing but an id',
        `SELECT name, location, latitude, longitude FROM {s}.artists WHERE artist_id = 'ARNULLS'`,
        [{ name: null, location: null, latitude: null, longitude: null }]],
      ['artist strings decoded',
        `SELECT name, location FROM {s}.artists WHERE artist_id = 'ARUNI'`,
        [{ name: 'Ünïcödé Ärtist', location: 'København' }]],
      ['one row per artist_id', `SELECT count(*) - count(DISTINCT artist_id) AS d FROM {s}.artists`, [{ d: 0 }]],
      ['users: latest NextSong event wins (free -> paid appears once, as paid)',
        `SELECT first_name, level FROM {s}.users WHERE user_id = 100`, [{ first_name: 'New', level: 'paid' }]],
      ['users: ts tie across files goes to the later file',
        `SELECT first_name, level FROM {s}.users WHERE user_id = 101`, [{ first_name: 'TieSecond', level: 'paid' }]],
      ['users: ts tie within a file goes to the later line',
        `SELECT first_name, level FROM {s}.users WHERE user_id = 102`, [{ first_name: 'LineB', level: 'paid' }]],
      ['users: "39" and 39 are one user; ts tie goes to the later line',
        `SELECT first_name, level FROM {s}.users WHERE user_id = 39`, [{ first_name: 'Num', level: 'paid' }]],
      ['users: hidden log files are not read, bad records not used',
        `SELECT count(*) AS n FROM {s}.users WHERE user_id IN (5, 900, 901, 902, 903)`, [{ n: 0 }]],
      ['time rows: hour, day, ISO week, month, year, weekday 1=Sunday',
        `SELECT strftime(start_time AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%g') AS t, hour, day, week, month, year, weekday
         FROM {s}."time" WHERE epoch_ms(start_time) IN (${[t.nye, t.ny, t.sat, t.sun, t.mon, t.dec31, t.w52, t.w53, t.leap].join(', ')})
         ORDER BY start_time`,
        [
          { t: '2016-02-29T05:06:07.089', hour: 5, day: 29, week: 9, month: 2, year: 2016, weekday: 2 },
          { t: '2018-12-31T08:00:00.000', hour: 8, day: 31, week: 1, month: 12, year: 2018, weekday: 2 },
          { t: '2019-12-29T18:00:00.000', hour: 18, day: 29, week: 52, month: 12, year: 2019, weekday: 1 },
          { t: '2020-12-31T23:59:59.999', hour: 23, day: 31, week: 53, month: 12, year: 2020, weekday: 5 },
          { t: '2021-01-01T00:00:00.000', hour: 0, day: 1, week: 53, month: 1, year: 2021, weekday: 6 },
          { t: '2021-01-02T23:00:00.000', hour: 23, day: 2, week: 53, month: 1, year: 2021, weekday: 7 },
          { t: '2021-01-03T12:00:00.000', hour: 12, day: 3, week: 53, month: 1, year: 2021, weekday: 1 },
          { t: '2021-01-04T00:00:00.000', hour: 0, day: 4, week: 1, month: 1, year: 2021, weekday: 2 },
          { t: '2027-01-01T06:00:00.000', hour: 6, day: 1, week: 53, month: 1, year: 2027, weekday: 6 },
        ]],
      ['time: one row per distinct start_time, exact to the millisecond',
        `SELECT count(*) AS n, count(DISTINCT start_time) AS d FROM {s}."time" WHERE epoch_ms(start_time) = ${t.e5}`,
        [{ n: 1, d: 1 }]],
      ['songplays: ids 1..N in file-then-line order',
        `SELECT songplay_id, user_id, strftime(start_time AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%g') AS t
         FROM {s}.songplays WHERE songplay_id IN (1, 2, 8, 9, 10, 13, 14, 15, 21) ORDER BY 1`,
        [
          { songplay_id: 1, user_id: 100, t: '2018-11-30T10:00:00.000' },
          { songplay_id: 2, user_id: 100, t: '2018-11-30T12:00:00.000' },
          { songplay_id: 8, user_id: 200, t: '2020-12-31T23:59:59.999' },
          { songplay_id: 9, user_id: 200, t: '2020-12-31T00:00:00.000' },
          { songplay_id: 10, user_id: 101, t: '2020-12-31T12:00:00.000' },
          { songplay_id: 13, user_id: 101, t: '2020-12-31T12:00:00.000' },
          { songplay_id: 14, user_id: 200, t: '2021-01-01T00:00:00.000' },
          { songplay_id: 15, user_id: 201, t: '2021-01-03T12:00:00.000' },
          { songplay_id: 21, user_id: 202, t: '2027-01-01T06:00:00.000' },
        ]],
      ['songplays: one row per accepted NextSong event, ids dense',
        `SELECT count(*) AS n, min(songplay_id) AS lo, max(songplay_id) AS hi FROM {s}.songplays`,
        [{ n: 21, lo: 1, hi: 21 }]],
      ['songplays: exact (title, artist, duration) match; first song in file order on ties',
        `SELECT songplay_id, song_id, artist_id FROM {s}.songplays WHERE songplay_id <= 7 ORDER BY 1`,
        [
          { songplay_id: 1, song_id: 'STIE1', artist_id: 'ARTIEA' },
          { songplay_id: 2, song_id: 'SESC', artist_id: 'ARUNI' },
          { songplay_id: 3, song_id: null, artist_id: null },
          { songplay_id: 4, song_id: null, artist_id: null },
          { songplay_id: 5, song_id: 'SNEAR', artist_id: 'ARNEAR' },
          { songplay_id: 6, song_id: 'SDUP', artist_id: 'ARDUP' },
          { songplay_id: 7, song_id: null, artist_id: null },
        ]],
      ['songplays: numeric strings, the event\'s own strings, user_agent keeps its quotes',
        `SELECT songplay_id, session_id, level, location, user_agent FROM {s}.songplays WHERE songplay_id IN (3, 6, 7) ORDER BY 1`,
        [
          { songplay_id: 3, session_id: 38, level: 'free', location: 'Springfield, IL', user_agent: UA },
          { songplay_id: 6, session_id: 7, level: 'free', location: 'Zürich, "CH"\nline two', user_agent: '"Quoted \\"agent\\""' },
          { songplay_id: 7, session_id: null, level: 'free', location: 'Springfield, IL', user_agent: UA },
        ]],
      ['songplays: year and month from start_time',
        `SELECT year, month, count(*) AS n FROM {s}.songplays GROUP BY ALL ORDER BY ALL`,
        [
          { year: 2016, month: 2, n: 1 }, { year: 2018, month: 11, n: 7 }, { year: 2018, month: 12, n: 1 },
          { year: 2019, month: 12, n: 1 }, { year: 2020, month: 12, n: 6 }, { year: 2021, month: 1, n: 4 },
          { year: 2027, month: 1, n: 1 },
        ]],
      ['songs: null year and year 0 kept apart',
        `SELECT song_id, year FROM {s}.songs WHERE song_id IN ('SYNULL', 'SY0') ORDER BY 1`,
        [{ song_id: 'SY0', year: 0 }, { song_id: 'SYNULL', year: null }]],
      ['songs: partition-hostile artist ids survive the round trip',
        `SELECT count(*) AS n FROM {s}.songs WHERE song_id LIKE 'SP%' AND artist_id IN (${PARTITION_ARTISTS.map((a) => `'${a.replaceAll("'", "''")}'`).join(', ')})`,
        [{ n: PARTITION_ARTISTS.length }]],
    ],
    times: Object.fromEntries(Object.entries(t).map(([k, v]) => [k, utc(v)])),
  };
}

function rawOf(bytes) {
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? { raw: text } : { rawBase64: bytes.toString('base64') };
}
