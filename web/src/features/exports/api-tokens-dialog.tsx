import { type FormEvent, useEffect, useId, useRef, useState } from 'react'
import { type CreatedApiToken, isApiError } from '../../api'
import { formatDateTime } from '../../lib/format'
import { useEscape } from '../../lib/use-escape'
import { Banner } from '../../ui/banner'
import { Button } from '../../ui/button'
import { Field } from '../../ui/field'
import { SkeletonRows } from '../../ui/skeleton'
import { useApiTokens, useCreateApiToken, useRevokeApiToken } from './use-api-tokens'

function errorText(error: unknown): string {
  return isApiError(error) ? error.message : 'Something went wrong.'
}

/**
 * Personal API tokens for desktop GIS (QGIS, ArcGIS, GDAL) and scripts: create (the secret is shown once),
 * list, revoke. A token acts as its owner, with the same access (a rep's token sees only their customers).
 */
export function ApiTokensDialog({ onClose }: { onClose: () => void }) {
  const id = useId()
  const tokens = useApiTokens(true)
  const create = useCreateApiToken()
  const revoke = useRevokeApiToken()
  const [name, setName] = useState('')
  const [created, setCreated] = useState<CreatedApiToken | null>(null)
  const [copied, setCopied] = useState(false)
  const nameInput = useRef<HTMLInputElement>(null)
  useEscape(onClose, true, true)
  useEffect(() => nameInput.current?.focus(), [])

  const ogcUrl = `${window.location.origin}/api/ogc`
  const submit = (e: FormEvent) => {
    e.preventDefault()
    create.mutate(
      { name: name.trim() },
      {
        onSuccess: (result) => {
          setCreated(result)
          setCopied(false)
          setName('')
        },
      },
    )
  }

  return (
    <div className="dialog-backdrop">
      <div
        className="dialog api-tokens-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        data-testid="api-tokens-dialog"
      >
        <h2 id={`${id}-title`} className="dialog-title">
          API tokens
        </h2>
        <div className="dialog-body">
          <p>
            Connect QGIS, ArcGIS or GDAL to <code className="api-tokens-code">{ogcUrl}</code> (OGC API – Features) or
            call the API from scripts. A token sees exactly what you see.
          </p>

          {created ? (
            <div className="api-token-created" data-testid="api-token-created">
              <p className="api-token-created-title">Copy “{created.item.name}” now: it will not be shown again.</p>
              <div className="api-token-secret">
                <code data-testid="api-token-secret">{created.token}</code>
                <Button
                  size="sm"
                  onClick={() => {
                    void navigator.clipboard?.writeText(created.token).then(() => setCopied(true))
                  }}
                >
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              </div>
              <p className="field-hint">
                Send it as <code>Authorization: Bearer …</code>, or add <code>?token=…</code> to the URL in tools that
                cannot set headers.
              </p>
            </div>
          ) : null}

          <form className="api-token-form" onSubmit={submit}>
            <Field label="New token" htmlFor={`${id}-name`} error={create.isError ? errorText(create.error) : null}>
              <input
                ref={nameInput}
                id={`${id}-name`}
                className="input"
                placeholder="e.g. QGIS on my laptop"
                maxLength={80}
                value={name}
                onChange={(e) => setName(e.target.value)}
                data-testid="api-token-name"
              />
            </Field>
            <Button
              type="submit"
              variant="primary"
              size="md"
              disabled={name.trim() === ''}
              loading={create.isPending}
              data-testid="api-token-create"
            >
              Create token
            </Button>
          </form>

          <h3 className="api-tokens-subtitle">Your tokens</h3>
          {tokens.isPending ? (
            <SkeletonRows count={2} />
          ) : tokens.isError ? (
            <Banner
              action={
                <Button size="sm" onClick={() => void tokens.refetch()}>
                  Retry
                </Button>
              }
            >
              Could not load your tokens. {errorText(tokens.error)}
            </Banner>
          ) : tokens.data.length === 0 ? (
            <p className="api-tokens-empty">No tokens yet.</p>
          ) : (
            <ul className="api-token-list" data-testid="api-token-list">
              {tokens.data.map((token) => (
                <li key={token.id} className="api-token-row">
                  <div className="api-token-meta">
                    <span className="api-token-name">{token.name}</span>
                    <span className="muted">
                      <code>{token.prefix}…</code> · created {formatDateTime(token.createdAt)} ·{' '}
                      {token.lastUsedAt ? `last used ${formatDateTime(token.lastUsedAt)}` : 'never used'}
                    </span>
                  </div>
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() => revoke.mutate(token.id)}
                    loading={revoke.isPending && revoke.variables === token.id}
                    aria-label={`Revoke ${token.name}`}
                  >
                    Revoke
                  </Button>
                </li>
              ))}
            </ul>
          )}
          {revoke.isError ? <p className="field-error">{errorText(revoke.error)}</p> : null}
        </div>
        <div className="dialog-actions">
          <Button onClick={onClose} data-testid="api-tokens-close">
            Done
          </Button>
        </div>
      </div>
    </div>
  )
}
