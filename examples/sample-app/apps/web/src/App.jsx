import { useEffect, useState } from 'react';
import { formatCount } from './format.js';

// The API's base URL: set per environment at container start (/config.js), same-origin /api otherwise.
const apiUrl = window.__APP_CONFIG__?.apiUrl ?? '/api';

export default function App() {
  const [items, setItems] = useState([]);
  const [error, setError] = useState(null);

  useEffect(() => {
    fetch(`${apiUrl}/items`)
      .then((response) => {
        if (!response.ok) throw new Error(`API answered ${response.status}`);
        return response.json();
      })
      .then((body) => setItems(body.items))
      .catch((failure) => setError(failure.message));
  }, []);

  if (error) return <p role="alert">Could not load items: {error}</p>;
  return (
    <main>
      <h1>Items</h1>
      <p>{formatCount(items.length, 'item')}</p>
      <ul>
        {items.map((item) => (
          <li key={item.id}>{item.name}</li>
        ))}
      </ul>
    </main>
  );
}
