"""Kombu's filesystem transport, with messages written atomically.

Kombu creates the message file under its final name and then writes into it, so a worker
polling the folder can take the file while it is still empty and die on a JSONDecodeError.
Here the producer writes a hidden temporary file and renames it into place: a rename
within one folder is atomic, so a consumer sees a whole message or none.
"""

import os
import uuid

from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{int(round(filesystem.monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # Starts with a dot and has no ".<queue>.msg" suffix: consumers skip it.
        temporary = os.path.join(self.data_folder_out, f".{uuid.uuid4().hex}.tmp")
        try:
            with open(temporary, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
                f.flush()
                os.fsync(f.fileno())
            os.replace(temporary, final)
        except OSError as exc:
            raise filesystem.ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
