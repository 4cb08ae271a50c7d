import { useState, type FormEvent } from 'react';
import { api, ApiError, session, type SessionUser } from '../api.ts';
import { useT } from '../i18n/index.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';

export function LoginPage({ onLogin }: { onLogin: (u: SessionUser) => void }) {
  const t = useT();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api<{ token: string; user: SessionUser }>('POST', '/api/v1/auth/login', { username, password });
      session.save(res.token, res.user);
      onLogin(res.user);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login-card">
      <h1>{t('login.title')}</h1>
      <form onSubmit={submit} data-testid="login-form">
        <label>
          {t('login.username')}
          <input
            data-testid="login-username"
            autoComplete="username"
            aria-invalid={error instanceof ApiError && error.status === 401}
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </label>
        <label>
          {t('login.password')}
          <input
            data-testid="login-password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error instanceof ApiError && error.status === 401 ? (
          <div className="error-box" role="alert" data-testid="login-error">
            {t('login.wrong')}
          </div>
        ) : error ? (
          <div data-testid="login-error">
            <ErrorBox error={error} />
          </div>
        ) : null}
        <button type="submit" className="primary" data-testid="login-submit" disabled={busy}>
          {t('login.submit')}
        </button>
        {busy && <Spinner />}
      </form>
      <p>
        <a href="#/calculator" data-testid="calculator-link">
          {t('login.calculator')}
        </a>
      </p>
    </div>
  );
}
