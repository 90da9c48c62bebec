import { useId, useState } from 'react'
import { isApiError } from '../../api'
import { Banner } from '../../ui/banner'
import { Field } from '../../ui/field'
import { CenteredSpinner } from '../../ui/spinner'
import { localIsoDate, mondayOf, weekdayLabel } from './time'
import { useVisitReport } from './use-visits'

/** Managers: planned versus done visits per rep and week. */
export function VisitReportTable() {
  const id = useId()
  const [weekStart, setWeekStart] = useState(mondayOf(localIsoDate()))
  const [weeks, setWeeks] = useState(2)
  const report = useVisitReport(weekStart, weeks, /^\d{4}-\d{2}-\d{2}$/.test(weekStart))
  return (
    <div className="visits-report" data-testid="visits-report">
      <div className="visits-report-controls">
        <Field label="Weeks from" htmlFor={`${id}-from`}>
          <input
            id={`${id}-from`}
            className="input"
            type="date"
            value={weekStart}
            onChange={(e) => e.target.value && setWeekStart(mondayOf(e.target.value))}
          />
        </Field>
        <Field label="Weeks" htmlFor={`${id}-weeks`}>
          <select
            id={`${id}-weeks`}
            className="select"
            value={weeks}
            onChange={(e) => setWeeks(Number(e.target.value))}
          >
            {[1, 2, 4, 8].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {report.isPending ? (
        <CenteredSpinner label="Loading the report" />
      ) : report.isError ? (
        <Banner>{isApiError(report.error) ? report.error.message : 'Could not load the report.'}</Banner>
      ) : (
        <table className="visits-report-table">
          <thead>
            <tr>
              <th scope="col">Rep</th>
              <th scope="col">Week</th>
              <th scope="col" className="num">
                Planned
              </th>
              <th scope="col" className="num">
                Done
              </th>
              <th scope="col" className="num">
                Of planned
              </th>
              <th scope="col" className="num">
                On site
              </th>
            </tr>
          </thead>
          <tbody>
            {report.data.rows.map((r) => (
              <tr key={`${r.repId}-${r.weekStart}`} data-testid="report-row" data-rep-id={r.repId}>
                <td>{r.repName}</td>
                <td>{weekdayLabel(r.weekStart)}</td>
                <td className="num">{r.planned}</td>
                <td className="num">{r.done}</td>
                <td className="num">{r.planned > 0 ? `${Math.round((r.donePlanned / r.planned) * 100)}%` : '—'}</td>
                <td className="num">{r.onSite}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
