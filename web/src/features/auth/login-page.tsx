import { type FormEvent, useEffect, useId, useRef, useState } from 'react'
import { isApiError } from '../../api'
import { Button } from '../../ui/button'
import { Field } from '../../ui/field'
import { AlertIcon, LogoMark } from '../../ui/icons'
import { useLogin } from './use-session'

const demoLogins = [
  { email: 'admin@meridian.test', role: 'Admin' },
  { email: 'manager@meridian.test', role: 'Manager' },
  { email: 'marketer@meridian.test', role: 'Marketer' },
  { email: 'rep1@meridian.test', role: 'Sales rep' },
]

function describeLoginError(error: unknown): string {
  if (isApiError(error)) {
    if (error.code === 'invalid_credentials') return 'That email and password do not match. Please try again.'
    if (error.code === 'validation_failed') return 'Enter a valid email address and your password.'
    return error.message
  }
  return 'Something went wrong while signing in. Please try again.'
}

export function LoginPage() {
  const id = useId()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [localError, setLocalError] = useState<string | null>(null)
  const loginMutation = useLogin()
  const emailRef = useRef<HTMLInputElement>(null)
  useEffect(() => emailRef.current?.focus(), [])

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    if (email.trim() === '' || password === '') {
      setLocalError('Enter your email and password.')
      return
    }
    setLocalError(null)
    loginMutation.mutate({ email: email.trim(), password })
  }
  const errorMessage = localError ?? (loginMutation.isError ? describeLoginError(loginMutation.error) : null)

  const fillDemo = (demoEmail: string) => {
    setEmail(demoEmail)
    setPassword('demo')
    setLocalError(null)
    loginMutation.reset()
  }

  return (
    <main className="login-page">
      <div className="login-card">
        <div className="login-brand">
          <LogoMark size={36} />
          <div>
            <h1 className="login-title">Sign in to Meridian</h1>
            <p className="login-subtitle">Your customers, on the map.</p>
          </div>
        </div>

        <form className="login-form" onSubmit={onSubmit} aria-label="Sign in" noValidate>
          {errorMessage ? (
            <div className="form-error" role="alert" data-testid="login-error">
              <AlertIcon size={16} />
              <span>{errorMessage}</span>
            </div>
          ) : null}

          <Field label="Email" htmlFor={`${id}-email`}>
            <input
              id={`${id}-email`}
              className="input"
              type="email"
              name="email"
              autoComplete="username"
              ref={emailRef}
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              data-testid="login-email"
            />
          </Field>
          <Field label="Password" htmlFor={`${id}-password`}>
            <input
              id={`${id}-password`}
              className="input"
              type="password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              data-testid="login-password"
            />
          </Field>
          <Button
            type="submit"
            variant="primary"
            className="login-submit"
            loading={loginMutation.isPending}
            data-testid="login-submit"
          >
            Sign in
          </Button>
        </form>

        <aside className="demo-hint" aria-label="Demo accounts">
          <p className="demo-hint-title">Demo accounts</p>
          <p className="demo-hint-text">
            Every demo user's password is <code>demo</code>. Click one to fill the form.
          </p>
          <ul className="demo-hint-list">
            {demoLogins.map((demo) => (
              <li key={demo.email}>
                <button type="button" className="demo-hint-item" onClick={() => fillDemo(demo.email)}>
                  <span className="demo-hint-email">{demo.email}</span>
                  <span className="demo-hint-role">{demo.role}</span>
                </button>
              </li>
            ))}
          </ul>
        </aside>
      </div>
    </main>
  )
}
