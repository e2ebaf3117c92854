#!/usr/bin/env python3
"""Renders pages in one headless Chromium over the DevTools protocol
(--remote-debugging-pipe; standard library only): for each job, the page
laid out at an exact viewport width (Chromium's --window-size cannot go
below 500 px, a phone is narrower), what the layout measures — the page's
scrollWidth against the viewport, each figure's box and which SVG layout it
shows, elements reaching beyond the viewport outside a table's scroll box —
and a screenshot of the whole page.

usage: render.py CHROMIUM JOBS.json → JSON on stdout, one result per job
JOBS.json: [{"page": "/abs/file.html", "width": 400, "screenshot": "/abs/out.png" or null, "media": "print" (optional)}]
"""
import base64, fcntl, json, os, select, subprocess, sys, time

MEASURE = r"""
(async () => {
  if (document.fonts && document.fonts.ready) { await document.fonts.ready; }
  const d = document.documentElement, figures = [], wide = [];
  document.querySelectorAll('figure.chart').forEach(f => {
    const shown = [...f.querySelectorAll('svg')].filter(s => getComputedStyle(s).display != 'none');
    const r = f.getBoundingClientRect(), s = shown.length ? shown[0].getBoundingClientRect() : r;
    figures.push({id: f.id, top: r.top + scrollY, bottom: r.bottom + scrollY, right: Math.max(r.right, s.right),
                  visible: shown.length, svgClass: shown.length ? shown[0].getAttribute('class') : ''});
  });
  document.querySelectorAll('body *').forEach(e => {
    const r = e.getBoundingClientRect();
    if (r.right > innerWidth + 0.5 && !e.closest('.table-scroll')) wide.push(e.tagName + '.' + (e.getAttribute('class') || ''));
  });
  return JSON.stringify({scrollWidth: d.scrollWidth, innerWidth: innerWidth, scrollHeight: d.scrollHeight,
                         figures: figures, overflowing: wide.slice(0, 20)});
})()
"""


class Browser:
    def __init__(self, chromium):
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()
        # The protocol pipe must be fds 3 (commands) and 4 (replies) in the child.
        a = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 20)
        b = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 20)

        def child():
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [chromium, '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--remote-debugging-pipe',
             '--no-first-run', '--disable-extensions', 'about:blank'],
            preexec_fn=child, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for fd in (to_browser_r, from_browser_w, a, b):
            os.close(fd)
        self.buffer = b''
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None, timeout=60):
        self.next_id += 1
        message = {'id': self.next_id, 'method': method, 'params': params or {}}
        if session:
            message['sessionId'] = session
        os.write(self.to_browser, json.dumps(message).encode() + b'\0')
        while True:
            reply = self.read(timeout)
            if reply.get('id') == self.next_id:
                if 'error' in reply:
                    raise RuntimeError(f'{method}: {reply["error"]}')
                return reply.get('result', {})
            self.events.append(reply)

    def read(self, timeout):
        deadline = time.time() + timeout
        while b'\0' not in self.buffer:
            left = deadline - time.time()
            if left <= 0 or not select.select([self.from_browser], [], [], left)[0]:
                raise TimeoutError('chromium did not answer')
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError('chromium closed the protocol pipe')
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b'\0', 1)
        return json.loads(message)

    def wait_for(self, method, session, timeout=60):
        deadline = time.time() + timeout
        while True:
            for i, event in enumerate(self.events):
                if event.get('method') == method and event.get('sessionId') == session:
                    del self.events[i]
                    return event
            self.events.append(self.read(max(0.1, deadline - time.time())))

    def close(self):
        try:
            self.send('Browser.close', timeout=10)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def main():
    chromium, jobs = sys.argv[1], json.load(open(sys.argv[2], encoding='utf-8'))
    browser = Browser(chromium)
    results = []
    try:
        target = browser.send('Target.createTarget', {'url': 'about:blank'})['targetId']
        session = browser.send('Target.attachToTarget', {'targetId': target, 'flatten': True})['sessionId']
        browser.send('Page.enable', session=session)
        for job in jobs:
            width = job['width']
            browser.send('Emulation.setDeviceMetricsOverride',
                         {'width': width, 'height': 900, 'deviceScaleFactor': 1, 'mobile': width < 600}, session=session)
            browser.send('Emulation.setEmulatedMedia', {'media': job.get('media', '')}, session=session)
            browser.events.clear()
            browser.send('Page.navigate', {'url': 'file://' + job['page']}, session=session)
            browser.wait_for('Page.loadEventFired', session)
            value = browser.send('Runtime.evaluate', {'expression': MEASURE, 'awaitPromise': True, 'returnByValue': True},
                                 session=session)['result']['value']
            result = json.loads(value)
            if job.get('screenshot'):
                height = min(max(result['scrollHeight'], 100), 12000)
                shot = browser.send('Page.captureScreenshot',
                                    {'format': 'png', 'captureBeyondViewport': True,
                                     'clip': {'x': 0, 'y': 0, 'width': width, 'height': height, 'scale': 1}}, session=session)
                with open(job['screenshot'], 'wb') as f:
                    f.write(base64.b64decode(shot['data']))
            result['page'] = job['page']
            result['width'] = width
            results.append(result)
    finally:
        browser.close()
    json.dump(results, sys.stdout, ensure_ascii=False)


main()
