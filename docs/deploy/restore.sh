#!/usr/bin/env bash
# Restore a backup made by backup.sh into an EMPTY database (and media folder), then migrate.
#   restore.sh BACKUP_DIR      with DATABASE_URL (the new, empty database) and MEDIA_ROOT set
# Stop mssite-web and mssite-worker first; start them after.
set -euo pipefail
SOURCE=${1:?usage: restore.sh BACKUP_DIR}
: "${DATABASE_URL:?DATABASE_URL must point at the (empty) PostgreSQL database to restore into}"
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$SOURCE/database.dump"
if [ -f "$SOURCE/media.tar.gz" ]; then
  : "${MEDIA_ROOT:?MEDIA_ROOT must be set to restore the media}"
  mkdir -p "$MEDIA_ROOT"
  tar -C "$MEDIA_ROOT" -xzf "$SOURCE/media.tar.gz"
elif [ -d "$SOURCE/media" ]; then
  rclone sync "$SOURCE/media" "mssite-media:${S3_BUCKET:?S3_BUCKET must be set}"
fi
echo "Restored $SOURCE"
