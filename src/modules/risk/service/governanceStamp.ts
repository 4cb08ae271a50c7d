/** Who wrote, approved and retired a feature or model version, and when: the four-eyes record as the API shows it. */
export function governanceStamp(r: {
  createdBy: string;
  createdAt: Date;
  approvedBy: string | null;
  approvedAt: Date | null;
  retiredBy: string | null;
  retiredAt: Date | null;
}) {
  return {
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    approvedBy: r.approvedBy,
    approvedAt: r.approvedAt?.toISOString() ?? null,
    retiredBy: r.retiredBy,
    retiredAt: r.retiredAt?.toISOString() ?? null,
  };
}
