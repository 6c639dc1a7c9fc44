"""Checks for the project's Python tests: expect() counts and prints each
check, summary() ends the test with "N passed, N failed" and returns the
exit status meson reads."""

_counts = {'passed': 0, 'failed': 0}


def expect(cond, msg):
    if cond:
        _counts['passed'] += 1
        print('ok: ' + msg)
    else:
        _counts['failed'] += 1
        print('FAIL: ' + msg)
    return cond


def failures():
    return _counts['failed']


def summary():
    print('%d passed, %d failed' % (_counts['passed'], _counts['failed']))
    return 1 if _counts['failed'] else 0
