"""Customer signatures on finished visits: captured offline on the technician's phone, rendered
to PNG by the server, and checked against the server's own copy of what was signed."""
