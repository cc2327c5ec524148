export { type BackupProgress, backupDatabase } from './backup.ts';
export { BackupError, FORMAT_VERSION, type Manifest } from './manifest.ts';
export { openBackup, type RestoreProgress, restoreDatabase } from './restore.ts';
