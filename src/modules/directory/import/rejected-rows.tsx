import type { Locale } from '../../../core/i18n/i18n.ts';
import { t } from '../../../core/i18n/i18n.ts';
import type { Rejection } from './summary.ts';

/** The rows of a refused file, with their line numbers: nothing of it was written. */
export function RejectedRows({ locale, rejected }: { locale: Locale; rejected: Rejection[] }) {
  if (rejected.length === 0) return null;
  return (
    <div class="errors" role="alert">
      <p>{t(locale, 'import.nothingWritten', { count: rejected.length })}</p>
      <table class="table">
        <caption>{t(locale, 'import.rejectedRows')}</caption>
        <thead>
          <tr>
            <th scope="col">{t(locale, 'import.line')}</th>
            <th scope="col">{t(locale, 'import.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {rejected.map((r, i) => (
            <tr key={i}>
              <td>{r.line ?? r.index ?? ''}</td>
              <td>{r.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
