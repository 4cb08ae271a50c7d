import { useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { BookItem, FirstLine } from '../../api/firstline.ts';
import { FIRST_LINE_PORT_CODES } from '../../api/ports.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { navigate } from '../../router.ts';
import { emptyLine, firstLineBody, kindsFor, shownFields, type HeadDraft, type LineDraft } from './formBody.ts';
import { FirstLineHead } from './FirstLineHead.tsx';
import { LineFields } from './FirstLineLineFields.tsx';

/** The trader's first-line declaration: direction, port, the parties, the book and the goods lines. */
export function FirstLineForm() {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [head, setHead] = useState<HeadDraft>({
    direction: 'IMPORT',
    port: FIRST_LINE_PORT_CODES[0]!,
    transport: 'SEA',
    counterpart: '',
    foreignParty: '',
    bookId: '',
    directRelease: false,
  });
  const [lines, setLines] = useState<LineDraft[]>([emptyLine('TAXED')]);
  // One key per filing: a retry after a lost answer gets the first filing's answer, not a second one.
  const requestId = useRef(crypto.randomUUID());
  const items = useQuery({
    queryKey: ['book-items', head.bookId],
    enabled: Boolean(head.bookId),
    queryFn: () => api<{ items: BookItem[] }>('GET', `/api/v1/ledger/books/${head.bookId}/items`),
  });
  const file = useMutation({
    mutationFn: () =>
      api<FirstLine>('POST', '/api/v1/firstline/declarations', firstLineBody(requestId.current, head, lines)),
    onSuccess: (d) => {
      requestId.current = crypto.randomUUID();
      void qc.invalidateQueries({ queryKey: ['firstline'] });
      navigate(`/firstline/${d.id}`);
    },
  });
  const setLine = (i: number, patch: Partial<LineDraft>) =>
    setLines((ls) => ls.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  const changeHead = (patch: Partial<HeadDraft>) => {
    setHead((h) => ({ ...h, ...patch }));
    const d = patch.direction;
    // A line kind the new direction has not (TAXED on an export) becomes that direction's own.
    if (d) setLines((ls) => ls.map((l) => (kindsFor(d).includes(l.kind) ? l : { ...l, kind: kindsFor(d)[1]! })));
  };
  return (
    <form
      className="form"
      data-testid="fl-form"
      onSubmit={(e) => {
        e.preventDefault();
        file.mutate();
      }}
    >
      <FirstLineHead head={head} error={file.error} onChange={changeHead} />
      {lines.map((l, i) => (
        <fieldset key={i} data-testid={`fl-line-${i}`}>
          <legend>
            {t('fl.form.lines')} {i + 1}
          </legend>
          <LineFields
            line={l}
            index={i}
            direction={head.direction}
            items={items.data?.items ?? []}
            error={file.error}
            onChange={(patch) => setLine(i, patch)}
          />
          {lines.length > 1 && (
            <button
              type="button"
              className="link-button"
              onClick={() => setLines((ls) => ls.filter((_, j) => j !== i))}
            >
              {t('fl.form.removeLine')}
            </button>
          )}
        </fieldset>
      ))}
      <div className="actions">
        <button type="button" onClick={() => setLines((ls) => [...ls, emptyLine(kindsFor(head.direction)[1]!)])}>
          {t('fl.form.addLine')}
        </button>
        <button type="submit" disabled={file.isPending} data-testid="fl-submit">
          {t('fl.form.submit')}
        </button>
      </div>
      {file.error && <ErrorBox error={file.error} fieldsShown={shownFields(lines)} />}
    </form>
  );
}
