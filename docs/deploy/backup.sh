#!/usr/bin/env bash
# Back up mssite: a pg_dump of the database and a copy of the media, into DEST/<timestamp>/.
#   DATABASE_URL  postgres://user@host:5432/name (required)
#   MEDIA_ROOT    the media folder (MEDIA_STORAGE=filesystem, the default)
#   MEDIA_STORAGE=s3 with S3_BUCKET: the bucket is copied with rclone (remote "mssite-media", see docs/deploy.md)
# Keeps the newest KEEP (default 14) backups. Restore with docs/deploy/restore.sh.
set -euo pipefail
DEST=${1:?usage: backup.sh DEST}
KEEP=${KEEP:-14}
: "${DATABASE_URL:?DATABASE_URL must point at the PostgreSQL database}"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
target="$DEST/$stamp"
mkdir -p "$target"
# Custom format: compressed, and pg_restore can restore it into an empty database in parallel.
pg_dump --format=custom --no-owner --no-privileges --file="$target/database.dump" "$DATABASE_URL"
if [ "${MEDIA_STORAGE:-filesystem}" = "s3" ]; then
  rclone sync "mssite-media:${S3_BUCKET:?S3_BUCKET must be set with MEDIA_STORAGE=s3}" "$target/media"
elif [ -n "${MEDIA_ROOT:-}" ] && [ -d "$MEDIA_ROOT" ]; then
  tar -C "$MEDIA_ROOT" -czf "$target/media.tar.gz" .
fi
ls -1d "$DEST"/*/ 2>/dev/null | sort | head -n -"$KEEP" | xargs -r rm -rf
echo "$target"
