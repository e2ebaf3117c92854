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

POSTs to these paths imitate the alert receivers, as their documentation
describes them (robots answer HTTP 200 with their own error code):

    /cgi-bin/webhook/send?key=K        WeCom group robot: {"errcode":0,"errmsg":"ok"}; content of
                                       text <= 2048, markdown <= 4096 UTF-8 bytes (else 40058);
                                       20 messages a minute (else 45009)
    /robot/send?access_token=T&timestamp=MS&sign=S
                                       DingTalk custom robot: with DIR/.dingtalk_secret, the sign
                                       must be quote_plus(base64(HMAC-SHA256(secret, "MS\nsecret")))
                                       and MS within an hour of now (else 310000); with
                                       DIR/.keywords, the text must hold one (else 310000); body
                                       <= 20000 bytes (else 460101); 20 a minute, after which
                                       the robot is blocked 10 minutes (130101)
    /open-apis/bot/v2/hook/TOKEN       Feishu custom bot: {"code":0,"msg":"success"}; with
                                       DIR/.feishu_secret, "sign" must be base64(HMAC-SHA256(
                                       key="TS\nsecret", msg="")) (else 19021); keywords (19024);
                                       body <= 20000 bytes (9499); 100 a minute, 5 a second (11232)
    /api/v2/alerts                     Alertmanager v2: a JSON array of postable alerts, validated
                                       against its schema (labels required, names
                                       [a-zA-Z_][a-zA-Z0-9_]*, string values; RFC 3339 times;
                                       startsAt <= endsAt); 200, else 400 with the reason

"Now" for quotas and timestamps is DIR/.now (seconds, written by a test's
clock) when it exists, else the real clock. Extra modes for these paths:
    errcode     the robots answer HTTP 200 with a non-zero error code
    throttle429 every receiver answers 429 with Retry-After: 30
    reject400   Alertmanager answers 400 (as it does for a postable alert it will not take)
    slow        answer after DIR/.slow_seconds (default 3) seconds
Every receiver request is logged as a JSON line to DIR/.robot: path kind,
now, answer, and the body when accepted (accepted bodies also go to .received).
"""
import base64, gzip, hashlib, hmac, http.server, json, os, re, socketserver, sys, threading, time, urllib.parse

ROOT = os.path.abspath(sys.argv[1])


LOCK = threading.Lock()
SENT = {}          # receiver kind -> times (virtual seconds) of accepted messages
BLOCKED = {}       # receiver kind -> blocked until (virtual seconds)


def now():
    try:
        return float(open(os.path.join(ROOT, '.now')).read().strip())
    except (FileNotFoundError, ValueError):
        return time.time()


def setting(name):
    try:
        return open(os.path.join(ROOT, name)).read().strip()
    except FileNotFoundError:
        return None


def keywords():
    text = setting('.keywords')
    return [k for k in text.split('\n') if k] if text else []


RFC3339 = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$')
LABEL = re.compile(r'^[a-zA-Z_][a-zA-Z0-9_]*$')


def rfc3339_seconds(text):
    m = re.match(r'^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$', text)
    import calendar
    t = calendar.timegm((int(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4)), int(m.group(5)), int(m.group(6))))
    if m.group(7) != 'Z':
        offset = (int(m.group(9)) * 60 + int(m.group(10))) * 60
        t -= offset if m.group(8) == '+' else -offset
    return t


def validate_alerts(body):
    """Alertmanager v2 postableAlerts: the reason it is refused, or None."""
    try:
        alerts = json.loads(body)
    except ValueError as e:
        return 'body is not JSON: %s' % e
    if not isinstance(alerts, list):
        return 'body must be an array of alerts'
    for i, a in enumerate(alerts):
        if not isinstance(a, dict):
            return 'alert %d is not an object' % i
        extra = set(a) - {'labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL'}
        if extra:
            return 'alert %d: unknown fields %s' % (i, sorted(extra))
        labels = a.get('labels')
        if not isinstance(labels, dict) or not labels:
            return 'alert %d: labels required' % i
        for k, v in labels.items():
            if not LABEL.match(k) or not isinstance(v, str):
                return 'alert %d: bad label %r' % (i, k)
        for k, v in (a.get('annotations') or {}).items():
            if not LABEL.match(k) or not isinstance(v, str):
                return 'alert %d: bad annotation %r' % (i, k)
        for k in ('startsAt', 'endsAt'):
            if k in a and (not isinstance(a[k], str) or not RFC3339.match(a[k])):
                return 'alert %d: %s is not an RFC 3339 date-time: %r' % (i, k, a.get(k))
        if 'startsAt' in a and 'endsAt' in a and rfc3339_seconds(a['startsAt']) > rfc3339_seconds(a['endsAt']):
            return 'alert %d: start time must be before end time' % i
        if 'generatorURL' in a and not (isinstance(a['generatorURL'], str) and a['generatorURL'].startswith('http')):
            return 'alert %d: generatorURL is not a URL' % i
    return None


def over_quota(kind, t, windows):
    times = SENT.get(kind, [])
    return any(sum(1 for x in times if x > t - seconds) >= count for count, seconds in windows)


def robot(path, query_text, body):
    """(status, headers, answer dict or text, accepted?) for a receiver path, or None."""
    t = now()
    m = mode()
    if path == '/cgi-bin/webhook/send':
        kind = 'wecom'
    elif path == '/robot/send':
        kind = 'dingtalk'
    elif path.startswith('/open-apis/bot/v2/hook/'):
        kind = 'feishu'
    elif path == '/api/v2/alerts':
        kind = 'alertmanager'
    else:
        return None
    if m == 'throttle429':
        return kind, 429, {'Retry-After': '30'}, {'error': 'too many requests'}, False
    if m == 'slow':
        time.sleep(float(setting('.slow_seconds') or 3))
    if kind == 'alertmanager':
        if m == 'reject400':
            return kind, 400, {}, 'bad request: rejected by the test', False
        reason = validate_alerts(body)
        return (kind, 400, {}, reason, False) if reason else (kind, 200, {}, '', True)
    try:
        message = json.loads(body)
    except ValueError:
        message = None
    if kind == 'wecom':
        def answer(code, msg):
            return kind, 200, {}, {'errcode': code, 'errmsg': msg}, code == 0
        if m == 'errcode':
            return answer(93000, 'invalid webhook url')
        if not isinstance(message, dict) or message.get('msgtype') not in ('text', 'markdown'):
            return answer(40008, 'invalid message type')
        msgtype = message['msgtype']
        content = (message.get(msgtype) or {}).get('content', '')
        limit = 2048 if msgtype == 'text' else 4096
        if len(content.encode('utf-8')) > limit:
            return answer(40058, '%s.content exceed max length %d' % (msgtype, limit))
        with LOCK:
            if over_quota(kind, t, [(20, 60)]):
                return answer(45009, 'api freq out of limit')
            SENT.setdefault(kind, []).append(t)
        return answer(0, 'ok')
    if kind == 'dingtalk':
        def answer(code, msg):
            return kind, 200, {}, {'errcode': code, 'errmsg': msg}, code == 0
        if m == 'errcode':
            return answer(300001, 'token is not exist')
        secret = setting('.dingtalk_secret')
        if secret is not None:
            raw = dict(p.split('=', 1) for p in query_text.split('&') if '=' in p)
            ts = raw.get('timestamp', '')
            if not ts.isdigit() or abs(int(ts) / 1000 - t) > 3600:
                return answer(310000, 'sign not match, more: [timestamp is not within one hour]')
            mac = hmac.new(secret.encode('utf-8'), ('%s\n%s' % (ts, secret)).encode('utf-8'), digestmod=hashlib.sha256).digest()
            if raw.get('sign') != urllib.parse.quote_plus(base64.b64encode(mac)):
                return answer(310000, 'sign not match')
        if len(body) > 20000:
            return answer(460101, 'message too long, exceed 20000 bytes')
        if not isinstance(message, dict) or message.get('msgtype') not in ('text', 'markdown'):
            return answer(40035, 'invalid msgtype')
        text = message['text']['content'] if message['msgtype'] == 'text' else message['markdown']['text']
        words = keywords()
        if words and not any(w in text for w in words):
            return answer(310000, 'keywords not in content')
        with LOCK:
            # DIR/.dingtalk_blocked_until: the robot was blocked by someone else's messages.
            if max(BLOCKED.get(kind, 0), float(setting('.dingtalk_blocked_until') or 0)) > t:
                return answer(130101, 'send too fast, exceed 20 times per minute')
            if over_quota(kind, t, [(20, 60)]):
                BLOCKED[kind] = t + 600
                return answer(130101, 'send too fast, exceed 20 times per minute')
            SENT.setdefault(kind, []).append(t)
        return answer(0, 'ok')
    # feishu
    def answer(code, msg):
        return kind, 200, {}, {'code': code, 'msg': msg, 'data': {}}, code == 0
    if m == 'errcode':
        return answer(19001, 'param invalid: incoming webhook access token invalid')
    if len(body) > 20000:
        return answer(9499, 'Bad Request')
    if not isinstance(message, dict) or message.get('msg_type') != 'text':
        return answer(9499, 'Bad Request')
    secret = setting('.feishu_secret')
    if secret is not None:
        ts = message.get('timestamp', '')
        key = ('%s\n%s' % (ts, secret)).encode('utf-8')
        sign = base64.b64encode(hmac.new(key, b'', digestmod=hashlib.sha256).digest()).decode()
        if not str(ts).isdigit() or abs(int(ts) - t) > 3600 or message.get('sign') != sign:
            return answer(19021, 'sign match fail or timestamp is not within one hour from current time')
    words = keywords()
    if words and not any(w in message['content']['text'] for w in words):
        return answer(19024, 'Key Words Not Found')
    with LOCK:
        if over_quota(kind, t, [(100, 60), (5, 1)]):
            return answer(11232, 'frequency limited psm[lark.oapi.app_platform_runtime]appID[1]')
        SENT.setdefault(kind, []).append(t)
    return answer(0, 'success')


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
        path, _, query = self.path.partition('?')
        result = robot(path, query, body)
        if result is not None:
            kind, status, headers, answer, accepted = result
            data = (json.dumps(answer) if isinstance(answer, dict) else (answer or '')).encode('utf-8')
            with LOCK:
                with open(os.path.join(ROOT, '.robot'), 'a') as f:
                    f.write(json.dumps({'kind': kind, 'path': path, 'now': now(), 'status': status,
                                        'answer': answer if isinstance(answer, dict) else (answer or ''),
                                        'accepted': accepted, 'body': body.decode('utf-8') if accepted else None},
                                       ensure_ascii=False) + '\n')
                if accepted:
                    with open(os.path.join(ROOT, '.received'), 'ab') as f:
                        f.write(body + b'\n')
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(data)))
            self.end_headers()
            self.wfile.write(data)
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
