#!/usr/bin/env python3
"""A loopback HTTP server for haze's tests, with faults on demand.

    http_server.py DIR          serves files of DIR (GET) and accepts POSTs on 127.0.0.1;
                                prints its port on stdout, then serves until killed.

Behaviour is read, for every request, from DIR/.mode (one word, default "ok"):

    ok          GET: the file; POST: 200 and the body is appended to DIR/.received
    fail500     every request answers 500
    reset       the connection is closed without an answer
    stall       the request is read, then nothing is sent for 120 s
    trickle     GET: headers and the body one byte every 2 s
    truncate    GET: a Content-Length of the full file, then half the body, then close
    redirect    GET /x: 302 to /x?redirected=1 (served normally)
    redirect-away  GET /x: 302 to <DIR/.redirect_target>/x (another server: another origin)
    gzip-encoding  GET: the file gzip-compressed again, with Content-Encoding: gzip
                   and the Content-Length of the compressed body

A GET whose query has page=N is answered from FILE@page=N when that file
exists (OpenAQ-style pagination). A proxied request (absolute URL in the
request line) is served by its path, so the server doubles as an HTTP proxy.

DIR/.missing lists paths (one per line) that answer 404 even if the file exists
("a day not yet published"). Every request is logged to DIR/.requests, and
its headers, as one JSON object per line, to DIR/.headers.
"""
import gzip, http.server, json, os, socketserver, sys, time

ROOT = os.path.abspath(sys.argv[1])


def mode():
    try:
        return open(os.path.join(ROOT, '.mode')).read().strip() or 'ok'
    except FileNotFoundError:
        return 'ok'


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def record(self):
        with open(os.path.join(ROOT, '.requests'), 'a') as f:
            f.write('%s %s %s\n' % (self.command, self.path, mode()))
        with open(os.path.join(ROOT, '.headers'), 'a') as f:
            f.write(json.dumps({'path': self.path, 'headers': {k.lower(): v for k, v in self.headers.items()}}) + '\n')

    def fault(self):
        m = mode()
        if m == 'fail500':
            body = b'server error'
            self.send_response(500)
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return True
        if m == 'reset':
            self.close_connection = True
            self.connection.close()
            return True
        if m == 'stall':
            time.sleep(120)
            return True
        return False

    def do_POST(self):
        self.record()
        length = int(self.headers.get('Content-Length', '0'))
        body = self.rfile.read(length)
        if self.fault():
            return
        with open(os.path.join(ROOT, '.received'), 'ab') as f:
            f.write(body + b'\n')
        self.send_response(200)
        self.send_header('Content-Length', '2')
        self.end_headers()
        self.wfile.write(b'ok')

    def do_GET(self):
        self.record()
        if self.fault():
            return
        target = self.path
        if target.startswith('http://') or target.startswith('https://'):
            target = '/' + target.split('/', 3)[3] if target.count('/') >= 3 else '/'
        path = target.split('?')[0]
        query = target.split('?', 1)[1] if '?' in target else ''
        page = next((p.split('=', 1)[1] for p in query.split('&') if p.startswith('page=')), None)
        try:
            missing = open(os.path.join(ROOT, '.missing')).read().split()
        except FileNotFoundError:
            missing = []
        m = mode()
        if m == 'redirect' and 'redirected=1' not in target:
            self.send_response(302)
            self.send_header('Location', path + '?redirected=1')
            self.send_header('Content-Length', '0')
            self.end_headers()
            return
        if m == 'redirect-away':
            target_base = open(os.path.join(ROOT, '.redirect_target')).read().strip()
            self.send_response(302)
            self.send_header('Location', target_base + target)
            self.send_header('Content-Length', '0')
            self.end_headers()
            return
        full = os.path.join(ROOT, path.lstrip('/'))
        if page is not None and os.path.isfile(full + '@page=' + page):
            full = full + '@page=' + page
        if path in missing or not os.path.isfile(full):
            self.send_response(404)
            self.send_header('Content-Length', '0')
            self.end_headers()
            return
        data = open(full, 'rb').read()
        self.send_response(200)
        if m == 'gzip-encoding':
            data = gzip.compress(data)
            self.send_header('Content-Encoding', 'gzip')
        self.send_header('Content-Length', str(len(data)))
        self.send_header('Content-Type', 'application/octet-stream')
        self.end_headers()
        if m == 'truncate':
            self.wfile.write(data[:len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if m == 'trickle':
            for i in range(len(data)):
                self.wfile.write(data[i:i + 1])
                self.wfile.flush()
                time.sleep(2)
            return
        self.wfile.write(data)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


if __name__ == '__main__':
    server = Server(('127.0.0.1', 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
