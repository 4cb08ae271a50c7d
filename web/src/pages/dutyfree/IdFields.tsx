import { useDt } from '../../i18n/dutyfree.ts';
import type { IdType } from '../../api/wire.ts';

/** The server's ID types in the order the form offers them: one the server adds or drops breaks the type check. */
const OFFERED: Record<IdType, true> = { RESIDENT_ID: true, PASSPORT: true, HK_MACAO_PERMIT: true, TAIWAN_PERMIT: true };
const ID_TYPES = Object.keys(OFFERED) as IdType[];

export interface IdValue {
  idType: IdType;
  idNumber: string;
}

/** ID type and number, as every duty-free form asks them. */
export function IdFields({
  value,
  onChange,
  prefix,
}: {
  value: IdValue;
  onChange: (v: IdValue) => void;
  prefix: string;
}) {
  const dt = useDt();
  return (
    <>
      <select
        value={value.idType}
        onChange={(e) => onChange({ ...value, idType: e.target.value as IdValue['idType'] })}
        aria-label={dt('df.field.idType')}
        data-testid={`${prefix}-idtype`}
      >
        {ID_TYPES.map((t) => (
          <option key={t} value={t}>
            {dt(`df.idType.${t}`)}
          </option>
        ))}
      </select>
      <input
        className="mono"
        placeholder={dt('df.field.idNumber')}
        value={value.idNumber}
        onChange={(e) => onChange({ ...value, idNumber: e.target.value.trim().toUpperCase() })}
        data-testid={`${prefix}-idnumber`}
        aria-label={dt('df.field.idNumber')}
      />
    </>
  );
}
