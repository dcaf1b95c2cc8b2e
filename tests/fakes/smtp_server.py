"""A mail server on 127.0.0.1 that misbehaves on purpose: it hangs before its greeting or at DATA.

with FakeSMTPServer(hang_at="DATA") as server:
    settings.EMAIL_PORT = server.port
    ...
server.commands  # what clients sent, in order
"""

import socket
import threading


class FakeSMTPServer:
    def __init__(self, *, hang_at: str | None = None):
        """`hang_at`: None (a working server), "GREETING" (accepts, never says hello) or an SMTP verb."""
        self.hang_at = hang_at
        self.commands: list[str] = []
        self.connections = 0
        self.messages: list[bytes] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._listener.close()
        for held in self._held:
            held.close()
        self._thread.join(timeout=5)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            threading.Thread(target=self._talk, args=(client,), daemon=True).start()

    def _hang(self, client: socket.socket) -> None:
        self._held.append(client)
        self._stop.wait()

    def _talk(self, client: socket.socket) -> None:
        if self.hang_at == "GREETING":
            return self._hang(client)
        reader = client.makefile("rb")
        client.sendall(b"220 fake.invalid ESMTP\r\n")
        for raw in reader:
            line = raw.decode("latin-1").strip()
            verb = line.split(" ", 1)[0].split(":", 1)[0].upper()
            self.commands.append(verb)
            if verb == self.hang_at:
                return self._hang(client)
            if verb == "DATA":
                client.sendall(b"354 go ahead\r\n")
                body = []
                for data_line in reader:
                    if data_line == b".\r\n":
                        break
                    body.append(data_line)
                self.messages.append(b"".join(body))
                client.sendall(b"250 queued\r\n")
            elif verb == "QUIT":
                client.sendall(b"221 bye\r\n")
                break
            elif verb in ("EHLO", "HELO"):
                client.sendall(b"250 fake.invalid\r\n")
            else:
                client.sendall(b"250 ok\r\n")
        client.close()
        return None
