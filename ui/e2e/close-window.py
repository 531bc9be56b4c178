#!/usr/bin/python3
"""Closes an X window the way a desktop's close button does, and says what became of it.

`close-window.py close TITLE` sends the window titled TITLE the WM_DELETE_WINDOW message a
window manager sends when the member clicks the close button (Xvfb runs no window
manager to send it). `close-window.py state TITLE` prints `mapped`, `unmapped` or `gone`.
Uses python3-xlib; run with Debian's /usr/bin/python3, where it is installed.
"""

import sys

from Xlib import X, display, protocol


def windows_titled(d, title):
    found = []
    stack = [d.screen().root]
    while stack:
        window = stack.pop()
        try:
            name = window.get_wm_name()
            children = window.query_tree().children
        except Exception:  # a window that went away while we looked
            continue
        if name == title:
            found.append(window)
        stack.extend(children)
    return found


def main():
    action, title = sys.argv[1], sys.argv[2]
    d = display.Display()
    windows = windows_titled(d, title)
    if action == "state":
        if not windows:
            print("gone")
        elif any(w.get_attributes().map_state == X.IsViewable for w in windows):
            print("mapped")
        else:
            print("unmapped")
        return 0
    if action != "close":
        print(f"unknown action {action}", file=sys.stderr)
        return 2
    if not windows:
        print(f"no window titled {title}", file=sys.stderr)
        return 1
    protocols = d.intern_atom("WM_PROTOCOLS")
    delete = d.intern_atom("WM_DELETE_WINDOW")
    for window in windows:
        if delete not in (window.get_wm_protocols() or []):
            continue
        event = protocol.event.ClientMessage(
            window=window, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0])
        )
        window.send_event(event, event_mask=X.NoEventMask)
    d.flush()
    d.sync()
    return 0


if __name__ == "__main__":
    sys.exit(main())
