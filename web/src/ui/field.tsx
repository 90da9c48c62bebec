import type { ReactNode } from 'react'

type FieldProps = {
  label: string
  htmlFor: string
  hint?: ReactNode
  error?: string | null
  children: ReactNode
}

/** Label + control + optional hint/error, with the error announced politely. */
export function Field({ label, htmlFor, hint, error, children }: FieldProps) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label className="field-label" htmlFor={htmlFor}>
        {label}
      </label>
      {children}
      {error ? (
        <p className="field-error" id={`${htmlFor}-error`} role="alert">
          {error}
        </p>
      ) : hint ? (
        <p className="field-hint">{hint}</p>
      ) : null}
    </div>
  )
}
