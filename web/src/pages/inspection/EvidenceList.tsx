import { useMutation } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { InspectionTaskDetail } from '../../api/wire.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { useOt } from '../../i18n/officer.ts';
import { useCan } from '../../permissions.tsx';

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

/** The task's evidence files with their SHA-256, and an upload while the task is being worked. */
export function EvidenceList({ task, onAdded }: { task: InspectionTaskDetail; onAdded: () => void }) {
  const { t } = useI18n();
  const ot = useOt();
  const can = useCan();
  const upload = useMutation({
    mutationFn: async (file: File) =>
      api('POST', `/api/v1/inspection/tasks/${task.id}/evidence`, {
        fileName: file.name,
        contentType: file.type || 'application/octet-stream',
        contentBase64: await readBase64(file),
      }),
    onSuccess: onAdded,
  });
  const open = task.status === 'ASSIGNED' || task.status === 'IN_PROGRESS';
  return (
    <>
      <h2>{t('inspection.evidence')}</h2>
      <ul data-testid="task-evidence">
        {task.evidence.length === 0 && <li className="muted">{ot('insp.noEvidence')}</li>}
        {task.evidence.map((e) => (
          <li key={e.id}>
            <a href={`/api/v1/inspection/tasks/${task.id}/evidence/${e.id}`}>{e.fileName}</a> ({e.sizeBytes} B){' '}
            <code data-testid="evidence-sha256" className="hash">
              {e.sha256}
            </code>
          </li>
        ))}
      </ul>
      {upload.error && <ErrorBox error={upload.error} />}
      {open && can('POST', '/api/v1/inspection/tasks/:taskId/evidence') && (
        <label className="file-label">
          {ot('insp.addEvidence')}{' '}
          <input
            type="file"
            data-testid="evidence-file"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) upload.mutate(f);
            }}
          />
        </label>
      )}
    </>
  );
}
