import { useEffect, useRef } from 'react'

/**
 * Calls `onEscape` when Esc is pressed while `active`. `priority` handlers (menus) run in the
 * capture phase and swallow the key, so one Esc closes the innermost thing only.
 */
export function useEscape(onEscape: () => void, active: boolean, priority = false): void {
  const handlerRef = useRef(onEscape)
  useEffect(() => {
    handlerRef.current = onEscape
  })

  useEffect(() => {
    if (!active) return
    const listener = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return
      if (priority) {
        event.stopPropagation()
        event.preventDefault()
      }
      handlerRef.current()
    }
    window.addEventListener('keydown', listener, priority)
    return () => window.removeEventListener('keydown', listener, priority)
  }, [active, priority])
}
