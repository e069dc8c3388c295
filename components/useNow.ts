import { useEffect, useState } from 'preact/hooks';

/** The time now, ticking once a second while the component is shown (timers, elapsed times). */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
